package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spi.VersionConflictException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Run in a separate JVM by {@link ClusterStoreContract}: applies a number of read-modify-write
 * changes to one cluster record, retrying on version conflicts. Arguments: work directory, cluster
 * id, count, tag, then {@code sqlite <file>} or {@code url <jdbc-url> <user> <password>}. Writes
 * {@code <tag>.ready} in the work directory once connected, and starts when {@code go} appears
 * there.
 */
public final class CasLoopMain {
  private static final long TIMEOUT_SECONDS = 60;

  private CasLoopMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String clusterId = args[1];
    int count = Integer.parseInt(args[2]);
    String tag = args[3];
    JdbcClusterStore.Builder builder =
        switch (args[4]) {
          case "sqlite" -> JdbcClusterStore.builder().sqlite(Path.of(args[5]));
          case "url" -> JdbcClusterStore.builder().url(args[5]).credentials(args[6], args[7]);
          default -> throw new IllegalArgumentException("sqlite or url, not " + args[4]);
        };
    try (JdbcClusterStore store = builder.build()) {
      if (store
          .get(clusterId)
          .toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .isEmpty()) {
        throw new IllegalStateException("cluster " + clusterId + " is not in the store");
      }
      Files.writeString(dir.resolve(tag + ".ready"), "");
      awaitFile(dir.resolve("go"));
      int conflicts = loop(store, clusterId, count, tag);
      System.out.println(tag + ": " + count + " updates, " + conflicts + " conflicts");
    }
  }

  /** Waits (bounded) until a file exists. */
  static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(file + " did not appear in " + TIMEOUT_SECONDS + " s");
      }
      Thread.sleep(5);
    }
  }

  /**
   * Adds {@code count} entries {@code <tag>-<n>} to the cluster's history, one compare-and-set
   * each, reading the record again after every conflict.
   *
   * @return the number of conflicts met
   */
  static int loop(JdbcClusterStore store, String clusterId, int count, String tag)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    int conflicts = 0;
    for (int done = 0; done < count; ) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            tag + ": only " + done + " of " + count + " updates in " + TIMEOUT_SECONDS + " s");
      }
      Cluster c =
          store
              .get(clusterId)
              .toCompletableFuture()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .orElseThrow();
      try {
        store
            .put(c.toBuilder().addHistory(tag + "-" + done).build())
            .toCompletableFuture()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        done++;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof VersionConflictException)) {
          throw e;
        }
        conflicts++;
      }
    }
    return conflicts;
  }
}
