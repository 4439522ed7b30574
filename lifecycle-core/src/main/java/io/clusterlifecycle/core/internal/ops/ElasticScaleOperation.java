package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ElasticCounters;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.ElasticScale;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Sets a role's node count for the autoscaler (docs/design.md §6.14): adds nodes as add-nodes does,
 * or deletes the newest as delete-nodes does, and records the cooldown the change asks for in the
 * role's counters. Ends in {@code COOLDOWN}.
 */
final class ElasticScaleOperation extends ClusterOperation<ElasticScale> {

  ElasticScaleOperation() {
    super(ElasticScale.class, OperationType.ELASTIC_SCALE);
  }

  @Override
  CompletableFuture<Prepared> prepare(ElasticScale r, Cluster c, EngineContext ctx) {
    RoleSpec role = Checks.role(c, r.role());
    int now = c.nodes(role.name()).size();
    List<ValidationProblem> p = new ArrayList<>();
    if (!role.allows(AdvancedAction.SCALE_HORIZONTAL)) {
      p.add(
          ValidationProblem.of(
              "role",
              "role " + role.name() + " does not list scale_horizontal in advanced_actions"));
    }
    if (r.cardinality() < role.minNodes() || r.cardinality() > role.maxNodes()) {
      p.add(
          ValidationProblem.of(
              "cardinality",
              r.cardinality()
                  + " is outside role "
                  + role.name()
                  + "'s min/max nodes ["
                  + role.minNodes()
                  + ", "
                  + role.maxNodes()
                  + "]"));
    } else if (r.cardinality() == now) {
      p.add(
          ValidationProblem.of(
              "cardinality", "role " + role.name() + " already has " + now + " nodes"));
    }
    if (r.cardinality() > now) {
      Checks.nodeLimits(
          p,
          ctx,
          "cardinality",
          r.cardinality() - now,
          (long) c.nodes().size() + r.cardinality() - now);
    }
    if (r.cooldown().isNegative()) {
      p.add(ValidationProblem.of("cooldown", "must be >= 0, was " + r.cooldown()));
    }
    Checks.throwIf(p, "elastic-scale request for " + c.name());
    Cluster.Builder b = c.toBuilder();
    ElasticCounters counters = c.elasticity().getOrDefault(role.name(), ElasticCounters.NONE);
    b.elasticity(role.name(), counters.changed(r.cooldown()));
    if (r.cardinality() > now) {
      Set<String> added = ClusterChanges.addNodes(b, c, role, r.cardinality() - now);
      Cluster next = b.build();
      return done(
          new Prepared(
              next,
              AddNodesOperation.plan(next, added, OperationType.ELASTIC_SCALE),
              added,
              Set.of()));
    }
    Set<String> leaving =
        c.nodes(role.name()).stream()
            .sorted(Comparator.comparingInt(Node::index).reversed())
            .limit(now - r.cardinality())
            .map(Node::id)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    Cluster next = b.build();
    return done(
        new Prepared(
            next,
            DeleteNodesOperation.plan(next, leaving, false, OperationType.ELASTIC_SCALE),
            Set.of(),
            leaving));
  }
}
