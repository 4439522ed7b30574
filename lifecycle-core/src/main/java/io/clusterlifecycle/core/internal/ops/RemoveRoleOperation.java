package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;
import static io.clusterlifecycle.core.internal.plan.Planner.HOSTS;
import static io.clusterlifecycle.core.internal.plan.Planner.PRIMARY;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.RemoveRole;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Removes a role and its nodes; the spec loses the role once the nodes are gone. */
final class RemoveRoleOperation extends ClusterOperation<RemoveRole> {

  RemoveRoleOperation() {
    super(RemoveRole.class, OperationType.REMOVE_ROLE);
  }

  @Override
  CompletableFuture<Prepared> prepare(RemoveRole r, Cluster c, EngineContext ctx) {
    Checks.role(c, r.role());
    List<ValidationProblem> p = new ArrayList<>();
    if (c.spec().roles().size() == 1) {
      p.add(
          ValidationProblem.of(
              "role",
              "role " + r.role() + " is the cluster's only role;" + " delete the cluster instead"));
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "remove-role request for " + c.name());
    if (c.nodes(r.role()).isEmpty()) {
      // nothing to tear down: the role leaves the spec as the operation starts
      Cluster without = c.toBuilder().spec(without(c.spec(), Set.of(r.role()))).build();
      return done(new Prepared(without, plan(c, r.role(), r.force()), Set.of(), Set.of()));
    }
    return done(
        new Prepared(
            c,
            plan(c, r.role(), r.force()),
            Set.of(),
            c.nodes(r.role()).stream().map(Node::id).collect(Collectors.toSet())));
  }

  private static AppSpec without(AppSpec spec, Set<String> roles) {
    return new AppSpec(
        spec.name(),
        spec.version(),
        spec.env(),
        spec.roles().stream().filter(r -> !roles.contains(r.name())).toList(),
        spec.secrets(),
        spec.config(),
        spec.parameters(),
        spec.deployment());
  }

  @Override
  public void applyOutcome(Prepared p, Operation op, Cluster c, Cluster.Builder b) {
    Set<String> removed =
        c.nodes().stream()
            .filter(n -> p.leaving().contains(n.id()))
            .map(Node::role)
            .collect(Collectors.toSet());
    op.plan()
        .steps()
        .filter(DeleteNodeStep.class::isInstance)
        .forEach(st -> removed.add(((DeleteNodeStep) st).role()));
    b.spec(without(c.spec(), removed));
  }

  /**
   * The plan that removes {@code role}: the delete flow for its nodes, then reload elsewhere; none
   * for a role without nodes.
   */
  static Plan plan(Cluster cluster, String role, boolean force) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.REMOVE_ROLE);
    List<Node> leaving = cluster.nodes(role);
    if (leaving.isEmpty()) {
      // an unpublish naming no node would name every node of the cluster
      return b.build();
    }
    List<Node> leavingUp = up(leaving);
    List<Node> remaining =
        up(cluster.nodes().stream().filter(n -> !n.role().equals(role)).toList());
    b.teardown(leavingUp, force);
    b.deleteResources(leaving, false);
    b.metadata(
        "unpublish /hosts",
        MetadataStep.Action.UNPUBLISH,
        "hosts",
        List.of(HOSTS, PRIMARY),
        leaving.stream().map(Node::id).toList(),
        false);
    b.reload(remaining, Set.of(HOSTS));
    return b.build();
  }
}
