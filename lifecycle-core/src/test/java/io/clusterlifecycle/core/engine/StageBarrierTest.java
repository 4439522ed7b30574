package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.core.LifecycleEngine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stage starts only once the journal entries of the stage before are durable (docs/design.md
 * §5.8): otherwise a crash could leave a step to run again on resume after a later stage had built
 * on it, as a post-stop {@code destroy} run again on a node whose resources were deleted.
 */
class StageBarrierTest {
  private final Harness h = new Harness();
  private final CompletableFuture<Void> release = new CompletableFuture<>();
  private final AtomicBoolean holding = new AtomicBoolean();

  @AfterEach
  void close() {
    release.complete(null);
    h.close();
  }

  /** The store, holding the journal writes that record a {@code destroy} step's success. */
  private ClusterStore holdingDestroyEnds(ClusterStore store) {
    return (ClusterStore)
        Proxy.newProxyInstance(
            ClusterStore.class.getClassLoader(),
            new Class<?>[] {ClusterStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("appendJournal")
                  && ((List<?>) args[0])
                      .stream()
                          .map(JournalEntry.class::cast)
                          .anyMatch(
                              e ->
                                  e.status() == JournalEntry.Status.SUCCEEDED
                                      && e.stepId().contains("destroy"))) {
                holding.set(true);
                return release.thenCompose(v -> invoke(store, method, args));
              }
              return invoke(store, method, args);
            });
  }

  private static CompletionStage<?> invoke(
      ClusterStore store, java.lang.reflect.Method method, Object[] args) {
    try {
      return (CompletionStage<?>) method.invoke(store, args);
    } catch (IllegalAccessException | InvocationTargetException e) {
      return CompletableFuture.failedFuture(e.getCause() == null ? e : e.getCause());
    }
  }

  @Test
  void deleteResources_waitsUntilTheDestroyStepsAreJournaledAsDone() {
    LifecycleEngine engine =
        LifecycleEngine.builder()
            .resourceProvider(h.resources)
            .commandExecutor(h.commands)
            .metadataStore(h.metadata)
            .clusterStore(holdingDestroyEnds(h.store))
            .scheduler(h.scheduler)
            .eventCloseWait(Duration.ZERO)
            .build();
    try {
      Cluster c =
          engine.create(
              CreateCluster.builder(
                      AppSpec.builder("db", "1.0")
                          .role(
                              "db",
                              r ->
                                  r.count(3)
                                      .minNodes(1)
                                      .maxNodes(5)
                                      .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                                      .service("start", "s")
                                      .service("stop", "x")
                                      .service("destroy", s -> s.cmd("d").postStopService(true)))
                          .build(),
                      "kv")
                  .build());

      CompletableFuture<Operation> deleted = engine.submit(DeleteNodes.of("kv", "kv-db-3"));

      await().atMost(Duration.ofSeconds(20)).untilTrue(holding);
      assertThat(h.commands.runs("destroy")).isNotEmpty();
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2))
          .until(() -> h.resources.deleteCount("kv-db-3") == 0);

      release.complete(null);
      await().atMost(Duration.ofSeconds(20)).until(deleted::isDone);
      assertThat(h.resources.deleteCount("kv-db-3")).isEqualTo(1);
      assertThat(engine.get("kv").node("kv-db-3")).isEmpty();
      assertThat(c.nodes()).hasSize(3);
    } finally {
      engine.close();
    }
  }
}
