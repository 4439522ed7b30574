package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.DESTROY;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.SCALE_IN;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.STOP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;
import static io.clusterlifecycle.core.internal.plan.Planner.DELETING_HOSTS;
import static io.clusterlifecycle.core.internal.plan.Planner.HOSTS;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Deletes named nodes of roles that scale horizontally, down to their min_nodes. */
final class DeleteNodesOperation extends ClusterOperation<DeleteNodes> {

  DeleteNodesOperation() {
    super(DeleteNodes.class, OperationType.DELETE_NODES);
  }

  @Override
  CompletableFuture<Prepared> prepare(DeleteNodes r, Cluster c, EngineContext ctx) {
    Set<String> leaving =
        check(r, c).stream().map(Node::id).collect(Collectors.toCollection(LinkedHashSet::new));
    return done(new Prepared(c, plan(c, leaving, r.force()), Set.of(), leaving));
  }

  static List<Node> check(DeleteNodes r, Cluster c) {
    List<ValidationProblem> p = new ArrayList<>();
    if (r.nodes().isEmpty()) {
      p.add(ValidationProblem.of("nodes", "name at least one node to delete"));
    }
    Set<String> seen = new HashSet<>();
    List<Node> leaving = new ArrayList<>();
    for (String id : r.nodes()) {
      if (!seen.add(id)) {
        p.add(ValidationProblem.of("nodes", "node " + id + " is listed twice"));
        continue;
      }
      leaving.add(
          c.node(id)
              .orElseThrow(
                  () ->
                      new NotFoundException("cluster " + c.name() + " has no node '" + id + "'")));
    }
    Map<String, Integer> leavingPerRole = new LinkedHashMap<>();
    leaving.forEach(n -> leavingPerRole.merge(n.role(), 1, Integer::sum));
    leavingPerRole.forEach(
        (roleName, n) -> {
          RoleSpec role = c.spec().role(roleName).orElseThrow();
          if (!role.allows(AdvancedAction.SCALE_HORIZONTAL)) {
            p.add(
                ValidationProblem.of(
                    "nodes",
                    "role "
                        + roleName
                        + " does not list"
                        + " scale_horizontal in advanced_actions, so its nodes cannot be deleted"));
          }
          int remaining = c.nodes(roleName).size() - n;
          if (remaining < role.minNodes()) {
            p.add(
                ValidationProblem.of(
                    "nodes",
                    "deleting "
                        + n
                        + " of role "
                        + roleName
                        + " would leave "
                        + remaining
                        + " nodes, under its min_nodes of "
                        + role.minNodes()));
          }
        });
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "delete-nodes request for " + c.name());
    return leaving;
  }

  /** The plan that deletes the nodes {@code leavingIds}. */
  static Plan plan(Cluster cluster, Collection<String> leavingIds, boolean force) {
    return plan(cluster, leavingIds, force, OperationType.DELETE_NODES);
  }

  /** The plan that deletes the nodes {@code leavingIds}, for an operation of {@code type}. */
  static Plan plan(
      Cluster cluster, Collection<String> leavingIds, boolean force, OperationType type) {
    PlanBuilder b = new PlanBuilder(cluster, type);
    List<Node> leaving = cluster.nodes().stream().filter(n -> leavingIds.contains(n.id())).toList();
    List<Node> remaining =
        up(cluster.nodes().stream().filter(n -> !leavingIds.contains(n.id())).toList());
    List<Node> leavingUp = up(leaving);
    List<String> ids = leaving.stream().map(Node::id).toList();
    FailurePolicy onCommandFailure = force ? FailurePolicy.WARN : FailurePolicy.FAIL;
    b.preChecks(SCALE_IN, remaining);
    b.metadata(
        "publish /deleting-hosts",
        MetadataStep.Action.PUBLISH,
        "deleting",
        List.of(DELETING_HOSTS),
        ids,
        false);
    b.reload(up(cluster.nodes()), Set.of(DELETING_HOSTS));
    b.services(
        DESTROY,
        leavingUp,
        s -> !s.postStopService(),
        force ? FailurePolicy.WARN : FailurePolicy.REFUSE,
        "destroy (guard)");
    b.services(SCALE_IN, remaining, s -> true, onCommandFailure, SCALE_IN);
    b.services(STOP, leavingUp, s -> true, onCommandFailure, STOP);
    b.services(DESTROY, leavingUp, ServiceSpec::postStopService, onCommandFailure, DESTROY);
    b.deleteResources(leaving, false);
    b.metadata(
        "unpublish /hosts + /deleting-hosts",
        MetadataStep.Action.UNPUBLISH,
        "hosts",
        List.of(HOSTS, DELETING_HOSTS),
        ids,
        false);
    b.reload(remaining, Set.of(HOSTS, DELETING_HOSTS));
    b.metadata(
        "remove /deleting-hosts",
        MetadataStep.Action.UNPUBLISH,
        "deleting",
        List.of(DELETING_HOSTS),
        ids,
        true);
    return b.build();
  }
}
