package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.Planner;
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
    return done(new Prepared(c, Planner.stop(c), Set.of(), Set.of()));
  }
}
