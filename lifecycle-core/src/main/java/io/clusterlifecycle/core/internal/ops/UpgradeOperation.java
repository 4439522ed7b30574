package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Rollback;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** Moves the cluster to another version of its app; may roll back by itself when it fails. */
final class UpgradeOperation extends VersionChange<Upgrade> {

  UpgradeOperation() {
    super(Upgrade.class, OperationType.UPGRADE);
  }

  @Override
  CompletableFuture<Prepared> prepare(Upgrade r, Cluster c, EngineContext ctx) {
    check(r, c);
    Cluster next = c.toBuilder().spec(ClusterChanges.withSizesOf(r.spec(), c.spec()))
        .previousSpec(Optional.of(c.spec())).build();
    return done(new Prepared(next, Planner.upgrade(next, c.state() == ClusterState.STOPPED),
        Set.of(), Set.of()));
  }

  /** An upgrade asked to roll back on failure rolls back after it failed part-way. */
  @Override
  public Optional<OperationRequest> followUp(OperationRequest request, Throwable failure,
      String clusterId, Duration timeout) {
    if (!cast(request).autoRollback() || !(failure instanceof OperationFailedException f)
        || f.operation().refused()) {
      return Optional.empty();
    }
    return Optional.of(Rollback.of(clusterId).withTimeout(timeout));
  }

  private static void check(Upgrade r, Cluster c) {
    r.spec().requireValid();
    List<ValidationProblem> p = new ArrayList<>();
    if (!r.spec().name().equals(c.spec().name())) {
      p.add(ValidationProblem.of("spec.name", "an upgrade moves between versions of app "
          + c.spec().name() + ", was " + r.spec().name()));
    }
    if (r.spec().version().equals(c.spec().version())) {
      p.add(ValidationProblem.of("spec.version", "cluster " + c.name() + " already runs version "
          + c.spec().version() + "; give another version"));
    }
    Set<String> now = new TreeSet<>(c.spec().roles().stream().map(RoleSpec::name).toList());
    Set<String> next = new TreeSet<>(r.spec().roles().stream().map(RoleSpec::name).toList());
    if (!now.equals(next)) {
      p.add(ValidationProblem.of("spec.roles", "an upgrade keeps the roles " + now + ", was "
          + next + "; add or remove roles with add-role and remove-role"));
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "upgrade request for " + c.name());
  }
}
