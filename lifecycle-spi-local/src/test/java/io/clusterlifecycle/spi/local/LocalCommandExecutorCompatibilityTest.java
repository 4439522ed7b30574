package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.testkit.compat.CommandExecutorCompatibilityKit;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalCommandExecutor} keeps the {@link CommandExecutor} contract, built as {@link
 * LocalInfrastructure} builds it (shared pool and scheduler, default kill grace), on a node that
 * {@link LocalResourceProvider} created in a home of the test's own.
 */
class LocalCommandExecutorCompatibilityTest extends CommandExecutorCompatibilityKit {
  private static ExecutorService io;
  private static ScheduledExecutorService scheduler;

  @TempDir Path dir;

  @BeforeAll
  static void startPools() {
    io = Executors.newFixedThreadPool(4);
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stopPools() throws InterruptedException {
    io.shutdown();
    scheduler.shutdown();
    io.awaitTermination(30, TimeUnit.SECONDS);
    scheduler.awaitTermination(30, TimeUnit.SECONDS);
  }

  @Override
  protected CommandExecutor newExecutor() {
    return new LocalCommandExecutor(
        LocalHome.open(dir),
        io,
        scheduler,
        LocalCommandExecutor.DEFAULT_KILL_GRACE,
        Clock.systemUTC());
  }

  @Override
  protected NodeResource node() {
    try (LocalResourceProvider provider = new LocalResourceProvider(LocalHome.open(dir))) {
      NodeSpec spec =
          NodeSpec.builder()
              .ref(new NodeRef("kit", "kit-node-1"))
              .clusterName("kit")
              .namespace("default")
              .role("node")
              .cpu(1)
              .memory(512)
              .volumeSize(0)
              .mountPoint("")
              .image("")
              .tags(Map.of())
              .build();
      return provider.create(spec).toCompletableFuture().join();
    }
  }
}
