package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.Planner;
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
    return done(new Prepared(c, Planner.start(c), Set.of(), Set.of()));
  }
}
