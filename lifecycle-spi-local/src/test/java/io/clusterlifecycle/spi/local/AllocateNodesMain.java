package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.spi.NodeResource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run in a separate JVM by {@link LocalResourceProviderTest}: creates nodes in a home, to check
 * that address allocation is unique across processes. Arguments: home, cluster id, node id prefix,
 * count.
 */
public final class AllocateNodesMain {
  private AllocateNodesMain() {}

  public static void main(String[] args) throws Exception {
    LocalHome home = LocalHome.open(Path.of(args[0]));
    int count = Integer.parseInt(args[3]);
    try (LocalResourceProvider provider = new LocalResourceProvider(home)) {
      List<CompletableFuture<NodeResource>> all = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        all.add(
            provider
                .create(Fixtures.node(args[1], args[2] + "-" + i, "worker", 0))
                .toCompletableFuture());
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
  }
}
