package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Background rounds over the store's clusters (health checks, autoscaling): run on the engine's
 * scheduler, never doubled, never thrown.
 */
public final class Rounds {
  private Rounds() {}

  /**
   * Runs {@code round} every {@code every}; a round still going when the next is due is skipped.
   */
  public static ScheduledFuture<?> every(
      EngineContext ctx,
      Duration every,
      BooleanSupplier closed,
      Supplier<CompletableFuture<Void>> round) {
    AtomicBoolean going = new AtomicBoolean();
    return ctx.scheduler()
        .scheduleWithFixedDelay(
            () -> {
              if (closed.getAsBoolean() || !going.compareAndSet(false, true)) {
                return;
              }
              round.get().whenComplete((v, e) -> going.set(false));
            },
            every.toMillis(),
            every.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /**
   * Visits the clusters {@code which} accepts, one after another; a visit's failure is logged as
   * {@code what} of that cluster failing. Never completes exceptionally.
   */
  public static CompletableFuture<Void> overClusters(
      EngineContext ctx,
      StoreCalls store,
      Predicate<Cluster> which,
      Function<Cluster, CompletableFuture<?>> visit,
      Logger log,
      String what) {
    return store
        .call(() -> ctx.store().list())
        .thenComposeAsync(
            all -> {
              CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
              for (Cluster c : all) {
                if (which.test(c)) {
                  chain =
                      chain.thenCompose(
                          v ->
                              visit
                                  .apply(c)
                                  .handle(
                                      (x, e) -> {
                                        if (e != null) {
                                          log.warn(
                                              "{} of cluster {} failed: {}",
                                              what,
                                              c.name(),
                                              Failures.describe(e));
                                        }
                                        return null;
                                      }));
                }
              }
              return chain;
            },
            ctx.executor())
        .handle(
            (v, e) -> {
              if (e != null) {
                log.warn("could not list the clusters for {}: {}", what, Failures.describe(e));
              }
              return null;
            });
  }
}
