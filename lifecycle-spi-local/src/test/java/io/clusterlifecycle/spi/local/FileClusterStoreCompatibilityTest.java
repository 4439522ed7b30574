package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.testkit.compat.ClusterStoreCompatibilityKit;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileClusterStore} keeps the {@link ClusterStore} contract, built as {@link
 * LocalInfrastructure} builds it: on a shared executor. Another client is another store on the same
 * home.
 */
class FileClusterStoreCompatibilityTest extends ClusterStoreCompatibilityKit {
  private static ExecutorService io;

  @TempDir Path dir;

  @BeforeAll
  static void startPool() {
    io = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stopPool() throws InterruptedException {
    io.shutdown();
    io.awaitTermination(30, TimeUnit.SECONDS);
  }

  @Override
  protected ClusterStore newStore() {
    return new FileClusterStore(LocalHome.open(dir), io);
  }

  @Override
  protected ClusterStore reopen() {
    return new FileClusterStore(LocalHome.open(dir), io);
  }
}
