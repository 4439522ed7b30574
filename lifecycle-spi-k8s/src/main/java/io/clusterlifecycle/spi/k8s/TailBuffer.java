package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.CommandResult;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Keeps its first line apart when asked (the wrapper's report line, docs/design.md §9.3.1), then
 * the last bytes written to it (at most {@link ExecScript#TAIL_BYTES}), and reports their last
 * {@link CommandResult#MAX_TAIL} characters. Thread-safe.
 */
final class TailBuffer extends OutputStream {
  /** Most bytes of the first line: two base64 reports and their framing. */
  private static final int MAX_FIRST_LINE = 4 * 4 * (CommandResult.MAX_REPORT + 1);

  private final byte[] ring = new byte[ExecScript.TAIL_BYTES];
  private final java.io.ByteArrayOutputStream firstLine = new java.io.ByteArrayOutputStream();
  private boolean inFirstLine;
  private String first;
  private long written;

  /** A buffer that keeps everything written to it in its tail. */
  TailBuffer() {
    this(false);
  }

  /**
   * A buffer.
   *
   * @param withFirstLine true to keep the first line (up to a newline) apart
   */
  TailBuffer(boolean withFirstLine) {
    this.inFirstLine = withFirstLine;
  }

  @Override
  public synchronized void write(int b) {
    if (inFirstLine) {
      if (b == '\n' || firstLine.size() >= MAX_FIRST_LINE) {
        inFirstLine = false;
        first = firstLine.toString(StandardCharsets.UTF_8);
      } else {
        firstLine.write(b);
      }
      return;
    }
    ring[(int) (written++ % ring.length)] = (byte) b;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      write(b[off + i]);
    }
  }

  /**
   * The first line, when kept apart.
   *
   * @return the line without its newline, or null when it did not arrive whole
   */
  synchronized String firstLine() {
    return first;
  }

  /** The last {@link CommandResult#MAX_TAIL} characters, malformed bytes replaced. */
  synchronized String tail() {
    int size = (int) Math.min(written, ring.length);
    byte[] bytes = new byte[size];
    long start = written - size;
    for (int i = 0; i < size; i++) {
      bytes[i] = ring[(int) ((start + i) % ring.length)];
    }
    int from = 0;
    if (written > ring.length) {
      while (from < size && (bytes[from] & 0xC0) == 0x80) {
        from++;
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    String text;
    try {
      text = decoder.decode(ByteBuffer.wrap(bytes, from, size - from)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      text = new String(bytes, from, size - from, StandardCharsets.UTF_8);
    }
    return text.length() <= CommandResult.MAX_TAIL
        ? text
        : text.substring(text.length() - CommandResult.MAX_TAIL);
  }
}
