package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.testkit.compat.MetadataStoreCompatibilityKit;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalMetadataStore} keeps the {@link MetadataStore} contract, built as {@link
 * LocalInfrastructure} builds it: with the default root, on a shared executor.
 */
class LocalMetadataStoreCompatibilityTest extends MetadataStoreCompatibilityKit {
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
  protected MetadataStore newStore() {
    return new LocalMetadataStore(LocalHome.open(dir), LocalMetadataStore.DEFAULT_ROOT, io);
  }
}
