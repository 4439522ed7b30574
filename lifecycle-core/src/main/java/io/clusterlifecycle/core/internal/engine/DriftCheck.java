package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Drift;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.ops.DriftFindings;
import java.util.concurrent.CompletableFuture;

/**
 * Compares a cluster's record with what the resource provider lists for it (docs/design.md §7.9).
 * Reads only.
 */
public final class DriftCheck {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DriftCheck.class);

  private final EngineContext ctx;
  private final StoreCalls store;

  public DriftCheck(EngineContext ctx, StoreCalls store) {
    this.ctx = ctx;
    this.store = store;
  }

  /**
   * Reconciles every cluster that is not DONE every {@code every}, one after another, emitting a
   * {@code DRIFT_FOUND} event per difference.
   *
   * @return the handle of the rounds
   */
  public java.util.concurrent.ScheduledFuture<?> every(
      java.time.Duration every, java.util.function.BooleanSupplier closed) {
    return Rounds.every(ctx, every, closed, this::round);
  }

  /** One round over the store's clusters; never completes exceptionally. */
  CompletableFuture<Void> round() {
    return Rounds.overClusters(
        ctx,
        store,
        c -> c.state() != io.clusterlifecycle.api.state.ClusterState.DONE,
        c -> check(c.id()).thenAccept(d -> report(c, d)),
        LOG,
        "the reconcile");
  }

  private void report(Cluster c, Drift drift) {
    for (Drift.Finding f : drift.findings()) {
      String role = c.node(f.nodeId()).map(Node::role).orElse("");
      ctx.events()
          .emit(
              io.clusterlifecycle.api.event.LifecycleEvent.builder(
                      io.clusterlifecycle.api.event.EventType.DRIFT_FOUND)
                  .cluster(c.id())
                  .node(role, f.nodeId())
                  .message(f.kind() + ": " + f.detail()));
    }
  }

  /** The differences between the record of {@code ref} and the provider's listing. */
  public CompletableFuture<Drift> check(String ref) {
    return store
        .resolve(ref)
        .thenCompose(
            c ->
                ctx.retrying(() -> ctx.resources().list(c.id()))
                    .thenApply(listed -> DriftFindings.compare(c, listed)));
  }
}
