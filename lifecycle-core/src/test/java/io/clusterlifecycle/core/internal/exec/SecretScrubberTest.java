package io.clusterlifecycle.core.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.CommandResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Masking an operation's secret values (docs/design.md §11). */
class SecretScrubberTest {
  private final SecretScrubber scrubber = new SecretScrubber();

  @Test
  void scrub_masksEveryOccurrence_longestValueFirst() {
    scrubber.add("abc");
    scrubber.add("abcdef");

    assertThat(scrubber.scrub("x abcdef y abc z abcabc")).isEqualTo("x *** y *** z ******");
  }

  @Test
  void scrub_withoutValues_leavesTextAlone_andAnEmptyValueMasksNothing() {
    assertThat(scrubber.scrub("password is hunter2")).isEqualTo("password is hunter2");
    scrubber.add("");
    assertThat(scrubber.scrub("password is hunter2")).isEqualTo("password is hunter2");
    assertThat(scrubber.scrub(null)).isNull();
  }

  @Test
  void aMultiLineValue_isMaskedWhole_andLineByLine() {
    scrubber.add("-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----\n");

    assertThat(scrubber.scrub("got MIIEvQIBADANBg on its own")).isEqualTo("got *** on its own");
    assertThat(scrubber.scrub("a\n-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----\n"))
        .isEqualTo("a\n***");
  }

  @Test
  void commandResult_tailsAreScrubbed_andATailCutInsideAValueLosesThatPartToo() {
    String secret = "s3cr3t-VALUE-42";
    scrubber.add(secret);
    // the kept tail starts 6 characters into the value: "VALUE-42" then filler
    String cutTail =
        secret.substring(7) + "x".repeat(CommandResult.MAX_TAIL - (secret.length() - 7));
    CommandResult r =
        CommandResult.builder()
            .exitCode(1)
            .stdoutTail("printed " + secret + " twice " + secret)
            .stderrTail("xx" + secret + cutTail)
            .duration(Duration.ZERO)
            .build();

    CommandResult s = scrubber.scrubResult(r);

    assertThat(s.stdoutTail()).isEqualTo("printed *** twice ***");
    assertThat(s.stderrTail()).startsWith("***xxx").doesNotContain("VALUE-42");
    assertThat(s.exitCode()).isEqualTo(1);
  }
}
