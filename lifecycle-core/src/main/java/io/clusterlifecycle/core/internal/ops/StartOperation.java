package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RELOAD;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.state.ClusterState;
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

  /**
   * The plan of a start: the instances, reload, then the start service, of the stopped nodes. A
   * cluster that is not cleanly STOPPED (a stop failed or was cancelled part way, and its recover
   * failed too) may have nodes recorded RUNNING whose instances were stopped by calls the record
   * never saw, so there every running or stopped node is started (a provider's start of a running
   * instance leaves it running).
   */
  static Plan plan(Cluster cluster) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.START);
    boolean clean = cluster.state() == ClusterState.STOPPED;
    List<Node> stopped =
        cluster.nodes().stream()
            .filter(
                n -> n.state() == NodeState.STOPPED || (!clean && n.state() == NodeState.RUNNING))
            .toList();
    b.startInstances(stopped);
    b.services(RELOAD, stopped, s -> true, FailurePolicy.FAIL, RELOAD);
    b.services(START, stopped, s -> true, FailurePolicy.FAIL, START);
    return b.build();
  }
}
