package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.spi.CommandResult;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * An output stream that keeps the first line apart (when asked) and then only the last bytes
 * written, enough for {@link CommandResult#MAX_TAIL} characters of UTF-8: what an exec channel's
 * standard output or error is written into. Thread-safe.
 */
final class TailBuffer extends OutputStream {
  private static final int CAPACITY = 4 * CommandResult.MAX_TAIL;
  private static final int MAX_HEADER = 4096;

  private final byte[] ring = new byte[CAPACITY];
  private final java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
  private boolean inHeader;
  private boolean headerDone;
  private long written;

  /**
   * Creates a buffer.
   *
   * @param withHeader true to keep the first line (up to a newline) apart as the header
   */
  TailBuffer(boolean withHeader) {
    this.inHeader = withHeader;
  }

  @Override
  public synchronized void write(int b) {
    if (inHeader) {
      if (b == '\n' || header.size() >= MAX_HEADER) {
        inHeader = false;
        headerDone = true;
      } else {
        header.write(b);
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
   * The header line, once complete.
   *
   * @return the first line without its newline, or null when no whole line arrived
   */
  synchronized String header() {
    return headerDone ? header.toString(StandardCharsets.UTF_8) : null;
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
