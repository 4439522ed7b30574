package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Restarts the services of a running cluster in batches; refused, not queued, while busy. */
final class RestartOperation extends ClusterOperation<RestartCluster> {

  RestartOperation() {
    super(RestartCluster.class, OperationType.RESTART);
  }

  @Override
  CompletableFuture<Prepared> prepare(RestartCluster r, Cluster c, EngineContext ctx) {
    Checks.batches(r.batchSize(), r.batchPeriod(), r.timeout(), "restart request for "
        + c.name());
    return done(new Prepared(c, Planner.restart(c, r.batchSize(), r.batchPeriod()), Set.of(),
        Set.of()));
  }

  @Override
  public void checkOnSubmit(OperationRequest request, Cluster c, boolean claimedHere) {
    Optional<Node> busyNode = c.nodes().stream().filter(n -> n.state() == NodeState.DEPLOYING
        || n.state() == NodeState.DELETING || n.state() == NodeState.PENDING).findFirst();
    if (c.state().isBusy() || !c.operation().isEmpty() || claimedHere) {
      throw new ConflictException("restart of cluster " + c.name() + " is refused: it is busy ("
          + c.state() + (c.operation().isEmpty() ? "" : ", operation " + c.operation().orElse(""))
          + "); try again when it is idle", c.operation().orElse(""));
    }
    if (busyNode.isPresent()) {
      throw new ConflictException("restart of cluster " + c.name() + " is refused: node "
          + busyNode.get().id() + " is " + busyNode.get().state(), "");
    }
  }
}
