package io.clusterlifecycle.source;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Helpers shared by the sources: strict UTF-8, bounded reads and one-problem exceptions. */
final class Texts {

  private Texts() {}

  /**
   * Decodes strict UTF-8, dropping a leading byte order mark.
   *
   * @return the text, or empty when the bytes are not UTF-8
   */
  static Optional<String> utf8(byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads at most {@code limit} bytes.
   *
   * @return the bytes, or empty when the stream holds more than {@code limit}
   */
  static Optional<byte[]> readAtMost(InputStream in, long limit) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8L, limit + 1));
    return bytes.length > limit ? Optional.empty() : Optional.of(bytes);
  }

  /** An exception with one problem, at {@code path}. */
  static ValidationException invalid(String subject, String path, String reason) {
    return new ValidationException(subject, List.of(ValidationProblem.of(path, reason)));
  }

  /** An exception with one problem about the whole subject. */
  static ValidationException invalid(String subject, String reason) {
    return invalid(subject, ValidationProblem.ROOT, reason);
  }
}
