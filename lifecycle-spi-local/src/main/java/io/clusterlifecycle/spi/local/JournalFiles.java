package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.codec.RecordCodec;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journals of {@link FileClusterStore}: a JSON-lines file per operation. Writes happen under
 * the records lock, at the offset {@link #end} measures; it first cuts off a torn last line that a
 * killed process left, an entry never reported durable that appending after it would turn into a
 * damaged line.
 */
final class JournalFiles {
  private static final Logger LOG = LoggerFactory.getLogger(JournalFiles.class);
  private static final int CHUNK = 4096;

  private JournalFiles() {}

  /** The lines of the entries by operation, each operation's in the order given. */
  static Map<String, String> linesByOperation(List<JournalEntry> entries) {
    Map<String, StringBuilder> byOperation = new LinkedHashMap<>();
    for (JournalEntry e : entries) {
      byOperation
          .computeIfAbsent(e.operationId(), k -> new StringBuilder())
          .append(RecordCodec.write(e))
          .append('\n');
    }
    Map<String, String> lines = new LinkedHashMap<>();
    byOperation.forEach((op, text) -> lines.put(op, text.toString()));
    return lines;
  }

  /**
   * Measures where the next entry of a journal goes: after its last whole line. A torn last line is
   * cut off. Call under the records lock.
   *
   * @return the length of the journal's whole lines; 0 when there is no journal
   */
  static long end(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long whole = wholeLines(ch, size);
      if (whole < size) {
        LOG.warn(
            "cutting off the torn last line of journal {} ({} bytes), left by a killed process",
            file,
            size - whole);
        ch.truncate(whole);
        ch.force(false);
      }
      return whole;
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  private static long wholeLines(FileChannel ch, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    for (long pos = size; pos > 0; ) {
      int n = (int) Math.min(CHUNK, pos);
      long from = pos - n;
      buf.clear().limit(n);
      while (buf.hasRemaining()) {
        if (ch.read(buf, from + buf.position()) < 0) {
          throw new EOFException("journal shrank while being read");
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i + 1;
        }
      }
      pos = from;
    }
    return 0;
  }

  /**
   * Writes lines at an offset of a journal, replacing whatever follows it, and forces them to disk;
   * creates the journal when there is none. Writing the same lines at the same offset again changes
   * nothing, which is what makes the replay of a batch idempotent. Call under the records lock.
   *
   * @param offset where the lines go, as {@link #end} measured it
   * @param lines whole lines, each ending with a line break
   */
  static void writeAt(Path file, long offset, String lines) throws IOException {
    boolean created = !Files.exists(file);
    try (FileChannel ch =
        FileModes.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE))) {
      long at = offset;
      if (ch.size() < offset) {
        // Only damage from outside shrinks a journal under a pending batch; keep what is left.
        LOG.warn(
            "journal {} has {} bytes, fewer than the {} a batch found; appending at its end",
            file,
            ch.size(),
            offset);
        at = ch.size();
      }
      ByteBuffer bytes = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
      long end = at + bytes.remaining();
      while (bytes.hasRemaining()) {
        at += ch.write(bytes, at);
      }
      ch.truncate(end);
      ch.force(false);
    }
    if (created) {
      AtomicFiles.syncDirectory(file.toAbsolutePath().getParent());
    }
  }

  /**
   * Reads a journal. A torn last line (a crash in the middle of an append) is ignored, as that
   * entry was never reported durable; a damaged line before the last fails the read.
   *
   * @return the entries in append order; empty when there is no journal
   * @throws IllegalStateException naming the file and line when a line before the last is damaged
   */
  static List<JournalEntry> read(Path file) throws IOException {
    List<String> lines;
    try {
      // decoded leniently: a torn last line may end inside a character
      lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<JournalEntry> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      try {
        out.add(RecordCodec.read(lines.get(i), JournalEntry.class));
      } catch (IllegalArgumentException e) {
        if (i < lines.size() - 1) {
          throw new IllegalStateException(
              "journal " + file + " is damaged at line " + (i + 1) + ": " + e.getMessage(), e);
        }
        LOG.warn("ignoring the torn last line of journal {}", file);
      }
    }
    return out;
  }
}
