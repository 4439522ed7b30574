package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.ArrayList;
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
    Set<String> leaving = check(r, c).stream().map(Node::id)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    return done(new Prepared(c, Planner.deleteNodes(c, leaving, r.force()), Set.of(), leaving));
  }

  private static List<Node> check(DeleteNodes r, Cluster c) {
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
      leaving.add(c.node(id).orElseThrow(() -> new NotFoundException("cluster " + c.name()
          + " has no node '" + id + "'")));
    }
    Map<String, Integer> leavingPerRole = new LinkedHashMap<>();
    leaving.forEach(n -> leavingPerRole.merge(n.role(), 1, Integer::sum));
    leavingPerRole.forEach((roleName, n) -> {
      RoleSpec role = c.spec().role(roleName).orElseThrow();
      if (!role.allows(AdvancedAction.SCALE_HORIZONTAL)) {
        p.add(ValidationProblem.of("nodes", "role " + roleName + " does not list"
            + " scale_horizontal in advanced_actions, so its nodes cannot be deleted"));
      }
      int remaining = c.nodes(roleName).size() - n;
      if (remaining < role.minNodes()) {
        p.add(ValidationProblem.of("nodes", "deleting " + n + " of role " + roleName
            + " would leave " + remaining + " nodes, under its min_nodes of " + role.minNodes()));
      }
    });
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "delete-nodes request for " + c.name());
    return leaving;
  }
}
