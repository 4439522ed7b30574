package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Merges a settings change into a cluster (docs/design.md §15): republishes {@code /env} and {@code
 * /links} and reloads the running nodes in batches; a change of labels alone only updates the
 * record. An empty change republishes and reloads, which is how a change of a cluster reaches the
 * clusters that depend on it.
 */
final class ReconfigureOperation extends ClusterOperation<Reconfigure> {

  ReconfigureOperation() {
    super(Reconfigure.class, OperationType.UPDATE_CONFIG);
  }

  @Override
  CompletableFuture<Prepared> prepare(Reconfigure r, Cluster c, EngineContext ctx) {
    Checks.batches(
        r.batchSize(), r.batchPeriod(), r.timeout(), "reconfigure request for " + c.name());
    return ctx.retrying(() -> ctx.store().list().toCompletableFuture())
        .thenApply(
            all -> {
              List<ValidationProblem> p = new ArrayList<>();
              Cluster next =
                  Settings.apply(c, c.spec(), r.change(), all, ctx.plugins(), p, "request");
              Checks.throwIf(p, "reconfigure request for " + c.name());
              boolean labelsOnly = !r.change().isEmpty() && !r.change().touchesNodes();
              return new Prepared(
                  next,
                  labelsOnly ? new PlanBuilder(next, type()).build() : plan(next, r),
                  Set.of(),
                  Set.of());
            });
  }

  /** Publishes env and links, then reloads the running nodes that watch them, in batches. */
  static Plan plan(Cluster cluster, Reconfigure r) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.UPDATE_CONFIG);
    b.metadata(
        "publish env and links",
        MetadataStep.Action.PUBLISH,
        "settings",
        List.of(Planner.ENV, Planner.LINKS),
        List.of(),
        false);
    if (cluster.state() != ClusterState.STOPPED) {
      List<Node> up = PlanBuilder.up(cluster.nodes());
      b.inBatches(
          up,
          r.batchSize(),
          r.batchPeriod(),
          batch -> b.reload(batch, Set.of(Planner.ENV, Planner.LINKS)));
    }
    return b.build();
  }
}
