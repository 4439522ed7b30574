package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.STOP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import io.clusterlifecycle.core.internal.plan.StraightDeployment;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Stops the services, then the instances, of a running cluster. */
final class StopOperation extends ClusterOperation<StopCluster> {

  StopOperation() {
    super(StopCluster.class, OperationType.STOP);
  }

  @Override
  CompletableFuture<Prepared> prepare(StopCluster r, Cluster c, EngineContext ctx) {
    Checks.plain(r.timeout(), "stop request for " + c.name());
    return done(new Prepared(c, plan(c), Set.of(), Set.of()));
  }

  /** The plan of a stop: the stop service, then the instances. */
  static Plan plan(Cluster cluster) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.STOP);
    List<Node> up = up(cluster.nodes());
    if (StraightDeployment.applies(cluster)) {
      StraightDeployment.stop(b, cluster, up);
    } else {
      b.services(STOP, up, s -> true, FailurePolicy.FAIL, STOP);
      b.stopInstances(up);
    }
    return b.build();
  }
}
