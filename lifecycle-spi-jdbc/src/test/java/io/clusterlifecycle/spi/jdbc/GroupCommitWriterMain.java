package io.clusterlifecycle.spi.jdbc;

import static io.clusterlifecycle.spi.jdbc.Records.T0;
import static io.clusterlifecycle.spi.jdbc.Records.cluster;
import static io.clusterlifecycle.spi.jdbc.Records.entry;
import static io.clusterlifecycle.spi.jdbc.Records.operation;

import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.StoreBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Run in a separate JVM by {@link ClusterStoreContract}, which kills it with SIGKILL: writes new
 * clusters {@code k-<n>} and journal batches of {@link #BATCH} entries for operations {@code
 * op-k-<n>}, and batches ({@link JdbcClusterStore#write}) of a cluster {@code b-<n>}, its operation
 * {@code op-b-<n>} and {@link #BATCH} journal entries, up to 64 writes in flight so that the store
 * commits them in groups, and prints {@code put k-<n>}, {@code journal op-k-<n>} or {@code batch
 * b-<n>} 100 ms after a write's stage completed, and {@code done <that line>} at once: the test
 * kills it while a write is done and not yet acknowledged, so the kill finds writes that are stored
 * and not acknowledged. Arguments: {@code sqlite <file>} or {@code url <jdbc-url> <user>
 * <password>}.
 */
public final class GroupCommitWriterMain {
  static final int BATCH = 10;

  private GroupCommitWriterMain() {}

  public static void main(String[] args) throws Exception {
    JdbcClusterStore.Builder builder =
        switch (args[0]) {
          case "sqlite" -> JdbcClusterStore.builder().sqlite(Path.of(args[1]));
          case "url" -> JdbcClusterStore.builder().url(args[1]).credentials(args[2], args[3]);
          default -> throw new IllegalArgumentException("sqlite or url, not " + args[0]);
        };
    Semaphore inFlight = new Semaphore(64);
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try (JdbcClusterStore store = builder.build()) {
      System.out.println("ready");
      System.out.flush();
      for (int i = 0; ; i++) {
        String id = "k-" + i;
        inFlight.acquire(3);
        store
            .put(cluster(id, id, T0.plusMillis(i)))
            .whenComplete(
                (c, e) -> acknowledge(later, inFlight, e == null ? "put " + id : failed(e)));
        List<JournalEntry> batch = new ArrayList<>();
        for (int s = 0; s < BATCH; s++) {
          batch.add(entry("op-" + id, "s" + s, JournalEntry.Status.SUCCEEDED, T0));
        }
        store
            .appendJournal(batch)
            .whenComplete(
                (v, e) -> acknowledge(later, inFlight, e == null ? "journal op-" + id : failed(e)));
        String bid = "b-" + i;
        List<JournalEntry> entries = new ArrayList<>();
        for (int s = 0; s < BATCH; s++) {
          entries.add(entry("op-" + bid, "s" + s, JournalEntry.Status.STARTED, T0));
        }
        store
            .write(
                new StoreBatch(
                    Optional.of(cluster(bid, bid, T0.plusMillis(i))),
                    List.of(operation("op-" + bid, bid, T0)),
                    entries))
            .whenComplete(
                (c, e) -> acknowledge(later, inFlight, e == null ? "batch " + bid : null));
      }
    }
  }

  /** Reports a failed write on standard error; it is not acknowledged. */
  private static String failed(Throwable e) {
    System.err.println("write failed: " + e);
    return null;
  }

  private static void acknowledge(ScheduledExecutorService later, Semaphore inFlight, String line) {
    if (line != null) {
      synchronized (System.out) {
        System.out.println("done " + line);
        System.out.flush();
      }
    }
    later.schedule(
        () -> {
          if (line != null) {
            synchronized (System.out) {
              System.out.println(line);
              System.out.flush();
            }
          }
          inFlight.release();
        },
        100,
        TimeUnit.MILLISECONDS);
  }
}
