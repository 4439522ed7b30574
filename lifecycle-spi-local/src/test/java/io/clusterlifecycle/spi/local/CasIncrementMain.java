package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spi.VersionConflictException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Run in a separate JVM by {@link FileClusterStoreTest}: applies a number of read-modify-write
 * changes to one cluster record, retrying on version conflicts. Arguments: home, cluster id, count.
 */
public final class CasIncrementMain {
  private CasIncrementMain() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    try (FileClusterStore store = new FileClusterStore(LocalHome.open(home))) {
      store.get(args[1]).toCompletableFuture().get(30, TimeUnit.SECONDS);
      // Tell the test we are warmed up, and start when it does, so that the two writers overlap.
      Files.writeString(home.resolve("child.ready"), "");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(home.resolve("go")) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      increment(store, args[1], Integer.parseInt(args[2]));
    }
  }

  /** Adds {@code count} entries to the cluster's history, one compare-and-set each. */
  static int increment(FileClusterStore store, String clusterId, int count) throws Exception {
    int conflicts = 0;
    for (int done = 0; done < count; ) {
      Cluster c =
          store.get(clusterId).toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow();
      Cluster changed = c.toBuilder().addHistory("step").build();
      try {
        store.put(changed).toCompletableFuture().get(30, TimeUnit.SECONDS);
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
