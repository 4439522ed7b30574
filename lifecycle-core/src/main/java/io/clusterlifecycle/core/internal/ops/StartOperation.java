package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RELOAD;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Starts the instances, then the services, of a stopped cluster. */
final class StartOperation extends ClusterOperation<StartCluster> {

  StartOperation() {
    super(StartCluster.class, OperationType.START);
  }

  @Override
  CompletableFuture<Prepared> prepare(StartCluster r, Cluster c, EngineContext ctx) {
    Checks.plain(r.timeout(), "start request for " + c.name());
    return done(new Prepared(c, plan(c), Set.of(), Set.of()));
  }

  /** The plan of a start: the instances, reload, then the start service. */
  static Plan plan(Cluster cluster) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.START);
    List<Node> stopped =
        cluster.nodes().stream().filter(n -> n.state() == NodeState.STOPPED).toList();
    b.startInstances(stopped);
    b.services(RELOAD, stopped, s -> true, FailurePolicy.FAIL, RELOAD);
    b.services(START, stopped, s -> true, FailurePolicy.FAIL, START);
    return b.build();
  }
}
