package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The threads an engine creates for itself run from its build to its close (docs/design.md §14.3):
 * the first operation does not wait for them to start, and a build that fails leaves none behind.
 */
class EngineThreadsTest {
  private static final List<String> OWN =
      List.of(
          "lifecycle-engine", "lifecycle-engine", "lifecycle-scheduler", "lifecycle-lease-renewal");

  private final ScheduledExecutorService spiTimer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void close() {
    spiTimer.shutdownNow();
  }

  private LifecycleEngineBuilder builder(ClusterStore store) {
    return LifecycleEngine.builder()
        .resourceProvider(InMemoryResourceProvider.builder().scheduler(spiTimer).build())
        .commandExecutor(ScriptedCommandExecutor.builder().scheduler(spiTimer).build())
        .metadataStore(new InMemoryMetadataStore())
        .clusterStore(store);
  }

  /** The engine threads that were not running in {@code before}. */
  private static List<Thread> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.getName().startsWith("lifecycle-"))
        .toList();
  }

  @Test
  void theEnginesOwnThreads_runFromItsBuild_andEndWithItsClose() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    LifecycleEngine engine = builder(new InMemoryClusterStore()).build();
    List<Thread> started;
    try {
      started = startedSince(before);
      assertThat(started).extracting(Thread::getName).containsExactlyInAnyOrderElementsOf(OWN);
      assertThat(started).allMatch(Thread::isDaemon).allMatch(Thread::isAlive);
    } finally {
      engine.close();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void aBuildThatCannotReadTheStoreToResume_fails_andLeavesNoThreadRunning() {
    ClusterStore unreadable =
        Forwarding.after(
            ClusterStore.class,
            new InMemoryClusterStore(),
            (method, args, result) ->
                method.getName().equals("busy")
                    ? CompletableFuture.failedFuture(new IllegalStateException("store is down"))
                    : result);
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    assertThatThrownBy(() -> builder(unreadable).resumeInterruptedOnStart(true).build())
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("store is down");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> startedSince(before).stream().noneMatch(Thread::isAlive));
  }
}
