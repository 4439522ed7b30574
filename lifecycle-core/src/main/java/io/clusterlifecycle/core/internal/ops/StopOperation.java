package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.STOP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.state.NodeState;
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

  /**
   * The plan of a stop: the stop service, then the instances, of the running nodes. A cluster in a
   * FAILED_ state (a start or another operation failed or was cancelled part way, and its recover
   * failed too) may have nodes recorded STOPPED whose instances were started by calls the record
   * never saw, so there the instances of the stopped nodes are stopped too, last (a provider's stop
   * of a stopped instance leaves it stopped).
   */
  static Plan plan(Cluster cluster) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.STOP);
    List<Node> up = up(cluster.nodes());
    if (StraightDeployment.applies(cluster)) {
      StraightDeployment.stop(b, cluster, up);
    } else {
      b.services(STOP, up, s -> true, FailurePolicy.FAIL, STOP);
      b.stopInstances(up);
    }
    if (cluster.state().isFailed()) {
      b.stopInstances(
          cluster.nodes().stream().filter(n -> n.state() == NodeState.STOPPED).toList());
    }
    return b.build();
  }
}
