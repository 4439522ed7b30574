package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The threads an engine creates for itself run from its build to its close (docs/design.md §14.3):
 * the first operation does not wait for them to start.
 */
class EngineThreadsTest {
  private final ScheduledExecutorService spiTimer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void close() {
    spiTimer.shutdownNow();
  }

  @Test
  void theEnginesOwnThreads_runFromItsBuild_andEndWithItsClose() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    LifecycleEngine engine =
        LifecycleEngine.builder()
            .resourceProvider(InMemoryResourceProvider.builder().scheduler(spiTimer).build())
            .commandExecutor(ScriptedCommandExecutor.builder().scheduler(spiTimer).build())
            .metadataStore(new InMemoryMetadataStore())
            .clusterStore(new InMemoryClusterStore())
            .build();
    List<Thread> started;
    try {
      started =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> !before.contains(t) && t.getName().startsWith("lifecycle-"))
              .toList();
      assertThat(started)
          .extracting(Thread::getName)
          .containsExactlyInAnyOrder(
              "lifecycle-engine",
              "lifecycle-engine",
              "lifecycle-scheduler",
              "lifecycle-lease-renewal");
      assertThat(started).allMatch(Thread::isDaemon).allMatch(Thread::isAlive);
    } finally {
      engine.close();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Thread::isAlive));
  }
}
