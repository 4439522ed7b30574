package io.clusterlifecycle.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiles of {@code --profile}, in this JVM and in a child process's. */
class ProfilesTest {
  /** A child process that keeps one core busy for half a second in a method of its own. */
  public static final class Busy {
    /**
     * Spins.
     *
     * @param args unused
     */
    public static void main(String[] args) {
      System.out.println(spinForHalfASecond());
    }

    private static long spinForHalfASecond() {
      long x = 0;
      long end = System.nanoTime() + 500_000_000L;
      while (System.nanoTime() < end) {
        x += Long.toString(x).hashCode();
      }
      return x;
    }
  }

  @Test
  void aJavaProcessGivenTheAgentOptionsThroughJdkJavaOptions_writesAProfileOfItsRunAtExit(
      @TempDir Path dir) throws Exception {
    Profiles profiles = Profiles.into(dir, new PrintStream(new ByteArrayOutputStream()));
    String agent = profiles.agentOptions("child").orElseThrow();

    // what CliRun gives the command-line tool's JVM
    Process child =
        new ChildJvm().start(List.of(), Busy.class, List.of(), Map.of("JDK_JAVA_OPTIONS", agent));

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
    assertThat(child.exitValue()).isZero();
    String graph = Files.readString(dir.resolve("child.html"));
    assertThat(graph).contains("<h1>CPU profile</h1>");
    // the graph writes each frame's name as what it adds to the name before it (a kernel frame
    // such as insert_vmap_area may lend the "i" of "io/"), so the class's name is whole only from
    // the package's second part
    assertThat(graph)
        .as("the Java frames named in the graph: %s", javaFrames(graph))
        .contains("clusterlifecycle/bench/ProfilesTest$Busy.");
  }

  @Test
  void aSampledSection_writesItsStacks_andWhatItReturns_isReturned(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Profiles profiles = Profiles.into(dir, new PrintStream(log, true, StandardCharsets.UTF_8));

    long spun = profiles.sample("busy", Busy::spinForHalfASecond);

    assertThat(spun).isNotZero();
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("go to " + dir.toAbsolutePath());
    assertThat(dir.resolve("busy.collapsed"))
        .content()
        .contains("ProfilesTest$Busy.spinForHalfASecond");
    assertThat(dir.resolve("busy.html")).content().contains("<h1>busy</h1>");
  }

  @Test
  void aSectionThatThrows_passesItsExceptionOn_writesNothing_andTheNextSectionSamplesAgain(
      @TempDir Path dir) {
    Profiles profiles = Profiles.into(dir, new PrintStream(new ByteArrayOutputStream()));
    IllegalStateException failed = new IllegalStateException("the run failed");

    assertThatThrownBy(
            () ->
                profiles.sample(
                    "failed",
                    () -> {
                      throw failed;
                    }))
        .isSameAs(failed);

    assertThat(dir.resolve("failed.html")).doesNotExist();
    assertThat(dir.resolve("failed.collapsed")).doesNotExist();
    assertThat(profiles.sample("next", Busy::spinForHalfASecond)).isNotZero();
    assertThat(dir.resolve("next.collapsed")).content().contains("ProfilesTest$Busy");
  }

  @Test
  void aRelativeDirectory_isNamedAbsolutelyToTheAgent_whoseProcessRunsElsewhere(@TempDir Path dir) {
    Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("profiles"));

    Profiles profiles = Profiles.into(relative, new PrintStream(new ByteArrayOutputStream()));

    assertThat(relative).isRelative();
    assertThat(profiles.agentOptions("cli_100-0").orElseThrow())
        .endsWith(",file=" + dir.resolve("profiles").resolve("cli_100-0.html"));
    assertThat(dir.resolve("profiles")).isDirectory();
  }

  @Test
  void none_runsTheWork_andGivesNoAgent() {
    assertThat(Profiles.NONE.sample("busy", () -> 42)).isEqualTo(42);
    assertThat(Profiles.NONE.agentOptions("child")).isEmpty();
  }

  /** The names in the graph's constant pool that hold a '/': Java frames, cut as stored. */
  private static List<String> javaFrames(String graph) {
    int from = graph.indexOf("cpool = [");
    int to = graph.indexOf("];", Math.max(from, 0));
    if (from < 0 || to < 0) {
      return List.of();
    }
    return Pattern.compile("'([^']*/[^']*)'")
        .matcher(graph.substring(from, to))
        .results()
        .map(m -> m.group(1))
        .toList();
  }
}
