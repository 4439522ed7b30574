package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link InMemoryResourceProvider} keeps the {@link ResourceProvider} contract also with a latency,
 * when every stage completes later on a scheduler thread.
 */
class InMemoryResourceProviderWithLatencyCompatibilityTest
    extends ResourceProviderCompatibilityKit {
  private static ScheduledExecutorService scheduler;

  @BeforeAll
  static void startScheduler() {
    scheduler = Executors.newScheduledThreadPool(2);
  }

  @AfterAll
  static void stopScheduler() throws InterruptedException {
    scheduler.shutdown();
    scheduler.awaitTermination(30, TimeUnit.SECONDS);
  }

  @Override
  protected ResourceProvider newProvider() {
    return InMemoryResourceProvider.builder()
        .scheduler(scheduler)
        .build()
        .latency(Duration.ofMillis(5));
  }
}
