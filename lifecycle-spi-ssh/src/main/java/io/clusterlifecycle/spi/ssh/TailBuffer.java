package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.spi.CommandResult;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * An output stream that keeps its first lines apart (as many as asked) and then only the last bytes
 * written, enough for {@link CommandResult#MAX_TAIL} characters of UTF-8: what an exec channel's
 * standard output or error is written into. Thread-safe.
 */
final class TailBuffer extends OutputStream {
  private static final int CAPACITY = 4 * CommandResult.MAX_TAIL;

  /** Most bytes of one header line: enough for two base64 reports (docs/design.md §9.3.1). */
  private static final int MAX_HEADER = 4 * 4 * (CommandResult.MAX_REPORT + 1);

  private final byte[] ring = new byte[CAPACITY];
  private final java.util.List<String> headers = new java.util.ArrayList<>();
  private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
  private final int headerLines;
  private long written;

  /**
   * Creates a buffer.
   *
   * @param headerLines how many first lines (each up to a newline) to keep apart as headers
   */
  TailBuffer(int headerLines) {
    this.headerLines = headerLines;
  }

  @Override
  public synchronized void write(int b) {
    if (headers.size() < headerLines) {
      if (b == '\n' || line.size() >= MAX_HEADER) {
        headers.add(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
      return;
    }
    ring[(int) (written % CAPACITY)] = (byte) b;
    written++;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      write(b[off + i]);
    }
  }

  /**
   * The first header line, once complete.
   *
   * @return the first line without its newline, or null when no whole line arrived
   */
  synchronized String header() {
    return header(0);
  }

  /**
   * A header line, once complete.
   *
   * @param index which header line, from 0
   * @return the line without its newline, or null when it did not arrive whole
   */
  synchronized String header(int index) {
    return index < headers.size() ? headers.get(index) : null;
  }

  /**
   * The last {@link CommandResult#MAX_TAIL} characters written after the header.
   *
   * @return the text, decoded as UTF-8 from a character boundary
   */
  synchronized String tail() {
    int length = (int) Math.min(written, CAPACITY);
    byte[] bytes = new byte[length];
    long from = written - length;
    for (int i = 0; i < length; i++) {
      bytes[i] = ring[(int) ((from + i) % CAPACITY)];
    }
    int skip = 0;
    while (from > 0 && skip < bytes.length && skip < 3 && (bytes[skip] & 0xC0) == 0x80) {
      skip++;
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    String text;
    try {
      text = decoder.decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      text = new String(bytes, skip, bytes.length - skip, StandardCharsets.UTF_8);
    }
    return text.length() <= CommandResult.MAX_TAIL
        ? text
        : text.substring(text.length() - CommandResult.MAX_TAIL);
  }
}
