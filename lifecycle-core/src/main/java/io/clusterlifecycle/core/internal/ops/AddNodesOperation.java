package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.SCALE_OUT;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;
import static io.clusterlifecycle.core.internal.plan.Planner.ADDING_HOSTS;
import static io.clusterlifecycle.core.internal.plan.Planner.HOSTS;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.Collection;
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
    RoleSpec role = check(r, c, ctx);
    c.spec().requireValid();
    Cluster.Builder b = c.toBuilder();
    Set<String> added = ClusterChanges.addNodes(b, c, role, r.count());
    Cluster next = b.build();
    return done(new Prepared(next, plan(next, added), added, Set.of()));
  }

  private static RoleSpec check(AddNodes r, Cluster c, EngineContext ctx) {
    List<ValidationProblem> p = new ArrayList<>();
    RoleSpec role = Checks.role(c, r.role());
    if (r.count() < 1) {
      p.add(ValidationProblem.of("count", "must be >= 1, was " + r.count()));
    }
    if (!role.allows(AdvancedAction.SCALE_HORIZONTAL)) {
      p.add(
          ValidationProblem.of(
              "role",
              "role "
                  + role.name()
                  + " does not list scale_horizontal"
                  + " in advanced_actions, so nodes cannot be added to it"));
    }
    long after = (long) c.nodes(role.name()).size() + Math.max(r.count(), 0);
    if (r.count() >= 1 && after > role.maxNodes()) {
      p.add(
          ValidationProblem.of(
              "count",
              "adding "
                  + r.count()
                  + " would give role "
                  + role.name()
                  + " "
                  + after
                  + " nodes, over its max_nodes of "
                  + role.maxNodes()));
    }
    if (r.count() >= 1) {
      Checks.nodeLimits(p, ctx, "count", r.count(), (long) c.nodes().size() + r.count());
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "add-nodes request for " + c.name());
    return role;
  }

  /**
   * The plan that adds nodes: {@code cluster} already holds the new nodes (state PENDING); the
   * others are the existing nodes.
   */
  static Plan plan(Cluster cluster, Collection<String> newNodeIds) {
    return plan(cluster, newNodeIds, OperationType.ADD_NODES);
  }

  /** The plan that adds nodes, for an operation of {@code type}. */
  static Plan plan(Cluster cluster, Collection<String> newNodeIds, OperationType type) {
    PlanBuilder b = new PlanBuilder(cluster, type);
    List<Node> added = cluster.nodes().stream().filter(n -> newNodeIds.contains(n.id())).toList();
    List<Node> existing =
        up(cluster.nodes().stream().filter(n -> !newNodeIds.contains(n.id())).toList());
    List<String> ids = added.stream().map(Node::id).toList();
    b.preChecks(SCALE_OUT, existing);
    b.createResources(added);
    b.metadata(
        "publish /hosts + /adding-hosts",
        MetadataStep.Action.PUBLISH,
        "adding",
        List.of(HOSTS, ADDING_HOSTS),
        ids,
        false);
    b.reload(existing, Set.of(HOSTS, ADDING_HOSTS));
    b.initAndStart(added);
    b.services(SCALE_OUT, existing, s -> true, FailurePolicy.FAIL, SCALE_OUT);
    b.metadata(
        "remove /adding-hosts",
        MetadataStep.Action.UNPUBLISH,
        "adding",
        List.of(ADDING_HOSTS),
        ids,
        true);
    return b.build();
  }
}
