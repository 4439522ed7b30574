package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.spi.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The physical limit of a durable journal on a disk: an append-only file to which one step's
 * journal record (its {@code STARTED} and {@code SUCCEEDED} entries, as tab-separated lines with
 * the same fields the store keeps) is appended and made durable with {@link
 * FileChannel#force(boolean) FileChannel.force(false)} (fdatasync) before the next one. Appends per
 * second are steps per second when every step is made durable on its own. Not thread-safe.
 */
public final class RawFsyncAppend implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private long appended;

  /**
   * Opens (truncating) the file.
   *
   * @param file the file, on the disk to measure
   */
  public RawFsyncAppend(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      this.channel =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
  }

  /**
   * One step's journal record, as the engine would write it.
   *
   * @param operationId the operation
   * @param stepId the step
   * @param at the time
   * @return the bytes of both entries
   */
  public static byte[] record(String operationId, String stepId, Instant at) {
    StringBuilder s = new StringBuilder(160);
    for (JournalEntry.Status st :
        new JournalEntry.Status[] {JournalEntry.Status.STARTED, JournalEntry.Status.SUCCEEDED}) {
      s.append(operationId)
          .append('\t')
          .append(stepId)
          .append('\t')
          .append(st.name())
          .append('\t')
          .append(at)
          .append('\t')
          .append('\n');
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Appends one step's record and forces it to the disk.
   *
   * @param stepNumber numbers the step id
   */
  public void appendStep(long stepNumber) {
    ByteBuffer b =
        ByteBuffer.wrap(record("op-0123456789", "s5-start-mk1000-r2-" + stepNumber, Instant.now()));
    try {
      while (b.hasRemaining()) {
        channel.write(b);
      }
      channel.force(false);
      appended++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  /**
   * Appends for about {@code nanos} and reports the rate.
   *
   * @param nanos how long to run
   * @return appends (steps) per second
   */
  public double measure(long nanos) {
    long start = System.nanoTime();
    long first = appended;
    long now;
    do {
      for (int i = 0; i < 16; i++) {
        appendStep(appended);
      }
      now = System.nanoTime();
    } while (now - start < nanos);
    return (appended - first) / ((now - start) / 1e9);
  }

  @Override
  public void close() {
    try {
      channel.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
