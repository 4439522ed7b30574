package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Adds nodes to a role that scales horizontally, up to its max_nodes. */
final class AddNodesOperation extends ClusterOperation<AddNodes> {

  AddNodesOperation() {
    super(AddNodes.class, OperationType.ADD_NODES);
  }

  @Override
  CompletableFuture<Prepared> prepare(AddNodes r, Cluster c, EngineContext ctx) {
    RoleSpec role = check(r, c);
    c.spec().requireValid();
    Cluster.Builder b = c.toBuilder();
    Set<String> added = ClusterChanges.addNodes(b, c, role, r.count());
    Cluster next = b.build();
    return done(new Prepared(next, Planner.addNodes(next, added), added, Set.of()));
  }

  private static RoleSpec check(AddNodes r, Cluster c) {
    List<ValidationProblem> p = new ArrayList<>();
    RoleSpec role = Checks.role(c, r.role());
    if (r.count() < 1) {
      p.add(ValidationProblem.of("count", "must be >= 1, was " + r.count()));
    }
    if (!role.allows(AdvancedAction.SCALE_HORIZONTAL)) {
      p.add(ValidationProblem.of("role", "role " + role.name() + " does not list scale_horizontal"
          + " in advanced_actions, so nodes cannot be added to it"));
    }
    long after = (long) c.nodes(role.name()).size() + Math.max(r.count(), 0);
    if (r.count() >= 1 && after > role.maxNodes()) {
      p.add(ValidationProblem.of("count", "adding " + r.count() + " would give role "
          + role.name() + " " + after + " nodes, over its max_nodes of " + role.maxNodes()));
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "add-nodes request for " + c.name());
    return role;
  }
}
