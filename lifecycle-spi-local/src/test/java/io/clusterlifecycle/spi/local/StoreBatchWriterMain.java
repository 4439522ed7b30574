package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.JournalEntry.Status;
import io.clusterlifecycle.api.spi.StoreBatch;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Run in a separate JVM by {@link FileClusterStoreBatchTest}, which kills it: writes batches to one
 * cluster until killed, each {the cluster with {@code op-<n>} added to its history, operation
 * {@code op-<n>}, three journal entries of {@code op-<n>}}, where {@code n} is the version the
 * batch starts from. Prints {@code acked op-<n> ok} once a batch's stage completed. Arguments:
 * home, cluster id.
 */
public final class StoreBatchWriterMain {
  private StoreBatchWriterMain() {}

  public static void main(String[] args) throws Exception {
    String clusterId = args[1];
    try (FileClusterStore store = new FileClusterStore(LocalHome.open(Path.of(args[0])))) {
      Cluster c =
          store.get(clusterId).toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow();
      while (true) {
        StoreBatch batch = batch(c);
        c = store.write(batch).toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow();
        System.out.println("acked " + batch.operations().get(0).id() + " ok");
        System.out.flush();
      }
    }
  }

  /** The batch written from {@code c}. */
  static StoreBatch batch(Cluster c) {
    String op = "op-" + c.version();
    Instant at = Instant.parse("2026-03-01T10:00:00Z").plusSeconds(c.version());
    Operation operation = Fixtures.operation(op, c.id(), at);
    List<JournalEntry> journal =
        List.of(
            new JournalEntry(op, "s1", Status.STARTED, at, Optional.empty()),
            new JournalEntry(op, "s1", Status.SUCCEEDED, at.plusMillis(1), Optional.empty()),
            new JournalEntry(
                op, "s2", Status.FAILED, at.plusMillis(2), Optional.of("x".repeat(300))));
    return new StoreBatch(
        Optional.of(c.toBuilder().addHistory(op).build()), List.of(operation), journal);
  }
}
