package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The files a command may report through, {@link CommandRequest#LC_RESULT} and {@link
 * CommandRequest#LC_STATUS} (docs/design.md §9.3.1): named beside the run's log files, read once
 * the command ended (not through a symbolic link), and removed.
 */
final class ReportFiles {
  private ReportFiles() {}

  /**
   * Reads a report and removes its file.
   *
   * @param file the file the command was told to write
   * @return at most {@link CommandResult#MAX_REPORT} characters and one more, or an empty text when
   *     the command wrote no file
   * @throws IOException if the file exists but cannot be read
   */
  static String take(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in =
        Channels.newInputStream(
            java.nio.file.Files.newByteChannel(
                file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
      bytes = in.readNBytes(4 * (CommandResult.MAX_REPORT + 1));
    } catch (NoSuchFileException e) {
      return "";
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
    String text =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
    return text.length() <= CommandResult.MAX_REPORT + 1
        ? text
        : text.substring(0, CommandResult.MAX_REPORT + 1);
  }
}
