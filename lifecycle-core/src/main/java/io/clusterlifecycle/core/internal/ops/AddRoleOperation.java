package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;
import static io.clusterlifecycle.core.internal.plan.Planner.HOSTS;
import static io.clusterlifecycle.core.internal.plan.Planner.PRIMARY;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.AddRole;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Adds a new role to the spec, with its nodes. */
final class AddRoleOperation extends ClusterOperation<AddRole> {

  AddRoleOperation() {
    super(AddRole.class, OperationType.ADD_ROLE);
  }

  @Override
  CompletableFuture<Prepared> prepare(AddRole r, Cluster c, EngineContext ctx) {
    int count = r.count() == 0 ? r.role().count() : r.count();
    check(r, c, count, ctx);
    io.clusterlifecycle.core.internal.elastic.Policies.check(
        c.spec().toBuilder().role(r.role()).build(), ctx, "add-role request for " + c.name());
    Cluster.Builder b = c.toBuilder().spec(c.spec().toBuilder().role(r.role()).build());
    Set<String> added = ClusterChanges.addNodes(b, c, r.role(), count);
    Cluster next = b.build();
    return done(new Prepared(next, plan(next, added), added, Set.of()));
  }

  private static void check(AddRole r, Cluster c, int count, EngineContext ctx) {
    List<ValidationProblem> p = new ArrayList<>();
    if (c.spec().role(r.role().name()).isPresent()) {
      p.add(
          ValidationProblem.of(
              "role.role", "cluster " + c.name() + " already has a role " + r.role().name()));
    } else {
      AppSpec next = c.spec().toBuilder().role(r.role()).build();
      p.addAll(next.validate());
      Checks.templatesLoaded(next, p);
    }
    if (count < Math.max(1, r.role().minNodes()) || count > r.role().maxNodes()) {
      p.add(
          ValidationProblem.of(
              "count",
              "must be within [max(1, min_nodes), max_nodes] = ["
                  + Math.max(1, r.role().minNodes())
                  + ", "
                  + Checks.bound(r.role().maxNodes())
                  + "], was "
                  + count));
    }
    Checks.nodeLimits(p, ctx, "count", count, (long) c.nodes().size() + count);
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "add-role request for " + c.name());
  }

  /**
   * The plan that adds a role: {@code cluster} holds the role in its spec and its new nodes,
   * PENDING.
   */
  static Plan plan(Cluster cluster, Collection<String> newNodeIds) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.ADD_ROLE);
    List<Node> added = cluster.nodes().stream().filter(n -> newNodeIds.contains(n.id())).toList();
    List<Node> existing =
        up(cluster.nodes().stream().filter(n -> !newNodeIds.contains(n.id())).toList());
    b.createResources(added);
    b.metadata(
        "publish /hosts",
        MetadataStep.Action.PUBLISH,
        "hosts",
        List.of(HOSTS, PRIMARY),
        added.stream().map(Node::id).toList(),
        false);
    b.reload(existing, Set.of(HOSTS));
    b.initAndStart(added);
    return b.build();
  }
}
