package io.clusterlifecycle.core.internal.ownership;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which cluster an operation of this engine is working on: at most one per cluster. A second caller
 * waits for the first, without a thread, until its own deadline. Thread-safe.
 */
public final class Claims {
  private final EngineContext ctx;
  private final Map<String, CompletableFuture<Void>> busy = new ConcurrentHashMap<>();

  public Claims(EngineContext ctx) {
    this.ctx = ctx;
  }

  /** Tells whether an operation of this engine holds the cluster. */
  public boolean isClaimed(String clusterId) {
    return busy.containsKey(clusterId);
  }

  /**
   * Claims a cluster nobody can be working on yet (its record was just made).
   *
   * @return the claim, to {@link #release} when done
   */
  public CompletableFuture<Void> claimNew(String clusterId) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    busy.put(clusterId, mine);
    return mine;
  }

  /**
   * Makes this caller the only one of this engine running an operation on the cluster, waiting for
   * the operation under way if there is one; fails with a conflict naming that operation at the
   * deadline. The scheduler only marks the deadline: the store is read on the executor.
   *
   * @return the future of the claim, to {@link #release} when done
   */
  public CompletableFuture<CompletableFuture<Void>> claim(String clusterId, Instant deadline) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = busy.putIfAbsent(clusterId, mine);
    if (running == null) {
      return CompletableFuture.completedFuture(mine);
    }
    CompletableFuture<Void> timedOut = ctx.after(Duration.between(ctx.clock().instant(), deadline));
    CompletableFuture<Boolean> freed =
        running.handle((v, e) -> true).applyToEither(timedOut.thenApply(v -> false), x -> x);
    return freed.thenCompose(
        free -> {
          if (free) {
            timedOut.cancel(false);
            return claim(clusterId, deadline);
          }
          return ctx.retrying(() -> ctx.store().get(clusterId))
              .handle((c, e) -> e != null ? "" : c.flatMap(Cluster::operation).orElse(""))
              .thenCompose(
                  busyOp ->
                      CompletableFuture.failedFuture(
                          new ConflictException(
                              "cluster "
                                  + clusterId
                                  + " is busy with operation "
                                  + busyOp
                                  + ", which did not finish"
                                  + " within this request's timeout; try again later",
                              busyOp)));
        });
  }

  /** Gives a claim back and lets the next waiter in. */
  public void release(String clusterId, CompletableFuture<Void> mine) {
    busy.remove(clusterId, mine);
    mine.complete(null);
  }
}
