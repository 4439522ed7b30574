package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.CommandResult;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the last bytes written to it (at most {@link ExecScript#TAIL_BYTES}), and reports their
 * last {@link CommandResult#MAX_TAIL} characters. Thread-safe.
 */
final class TailBuffer extends OutputStream {
  private final byte[] ring = new byte[ExecScript.TAIL_BYTES];
  private long written;

  @Override
  public synchronized void write(int b) {
    ring[(int) (written++ % ring.length)] = (byte) b;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      ring[(int) (written++ % ring.length)] = b[off + i];
    }
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
