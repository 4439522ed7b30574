package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.CommandResult;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** {@link TailBuffer} keeps the last {@link CommandResult#MAX_TAIL} characters of what it got. */
class TailBufferTest {
  @Property(tries = 100)
  void tail_isTheLastMaxTailCharacters_whateverTheChunks(
      @ForAll @StringLength(max = 30_000) String text,
      @ForAll @IntRange(min = 1, max = 5000) int chunk) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    TailBuffer buffer = new TailBuffer();
    for (int i = 0; i < bytes.length; i += chunk) {
      buffer.write(bytes, i, Math.min(chunk, bytes.length - i));
    }

    String tail = buffer.tail();

    String expected = new String(bytes, StandardCharsets.UTF_8);
    if (bytes.length <= ExecScript.TAIL_BYTES) {
      assertThat(tail)
          .isEqualTo(
              expected.length() <= CommandResult.MAX_TAIL
                  ? expected
                  : expected.substring(expected.length() - CommandResult.MAX_TAIL));
    } else {
      assertThat(tail).hasSizeLessThanOrEqualTo(CommandResult.MAX_TAIL);
      assertThat(expected).endsWith(tail.substring(Math.min(tail.length(), 2)));
    }
  }
}
