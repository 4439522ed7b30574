package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.core.LifecycleEngine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous forms of {@code Lifecycle} return at once on every path: none of them waits on
 * the caller's thread for the store. A store that answers nothing until the test opens its gate
 * would hang the test if one did.
 */
class AsyncFormsTest {
  private final Harness h = new Harness();
  private final CompletableFuture<Void> gate = new CompletableFuture<>();

  @AfterEach
  void close() {
    gate.complete(null);
    h.close();
  }

  /** The store, answering each call only once the gate is open. */
  private ClusterStore gated(ClusterStore store) {
    return (ClusterStore)
        Proxy.newProxyInstance(
            ClusterStore.class.getClassLoader(),
            new Class<?>[] {ClusterStore.class},
            (proxy, method, args) -> {
              if (!CompletionStage.class.isAssignableFrom(method.getReturnType())) {
                return method.invoke(store, args);
              }
              return gate.thenComposeAsync(
                  v -> {
                    try {
                      return (CompletionStage<?>) method.invoke(store, args);
                    } catch (IllegalAccessException | InvocationTargetException e) {
                      return CompletableFuture.failedFuture(
                          e.getCause() == null ? e : e.getCause());
                    }
                  });
            });
  }

  @Test
  void everyAsyncForm_returnsBeforeTheStoreAnswers_andCompletesAfter() {
    h.engine.create(
        CreateCluster.builder(
                AppSpec.builder("db", "1.0")
                    .role("db", r -> r.count(2).service("start", "s").service("restart", "r"))
                    .build(),
                "kv")
            .build());
    LifecycleEngine engine =
        LifecycleEngine.builder()
            .resourceProvider(h.resources)
            .commandExecutor(h.commands)
            .metadataStore(h.metadata)
            .clusterStore(gated(h.store))
            .scheduler(h.scheduler)
            .eventCloseWait(Duration.ZERO)
            .build();
    try {
      List<CompletableFuture<Object>> calls =
          assertTimeoutPreemptively(
              Duration.ofSeconds(20),
              () -> {
                List<CompletableFuture<Object>> all =
                    List.of(
                        engine.submit(RestartCluster.of("kv")).thenApply(o -> o),
                        engine.checkHealthAsync("kv").thenApply(c -> c),
                        engine.recoverAsync("kv", Duration.ofMinutes(1)).thenApply(c -> c),
                        engine.cancelAsync("kv").thenApply(o -> o),
                        engine.skipFailedAsync("kv", Duration.ofMinutes(1)).thenApply(c -> c));
                engine.subscribe(EventQuery.all()).subscribe(new Requesting());
                return all;
              });
      assertThat(calls)
          .as("nothing can complete before the store answers")
          .noneMatch(CompletableFuture::isDone);

      gate.complete(null);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> calls.stream().allMatch(CompletableFuture::isDone));
      // the calls race for the cluster once the store answers: the restart runs, or is refused
      // because a recover or health check holds the cluster at that moment
      calls
          .get(0)
          .handle(
              (op, e) -> {
                if (e == null) {
                  assertThat(((Operation) op).state()).isEqualTo(OperationState.SUCCEEDED);
                } else {
                  assertThat(e).hasRootCauseInstanceOf(ConflictException.class);
                }
                return null;
              })
          .join();
    } finally {
      engine.close();
    }
  }

  /** Requests events and ignores them. */
  private static final class Requesting implements Flow.Subscriber<LifecycleEvent> {
    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(LifecycleEvent item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }
}
