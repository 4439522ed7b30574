package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.PROMOTE;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.id;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;
import static io.clusterlifecycle.core.internal.plan.Planner.PRIMARY;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.Promote;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Makes a node its role's primary; replacing a healthy primary only as a switchover. */
final class PromoteOperation extends ClusterOperation<Promote> {

  PromoteOperation() {
    super(Promote.class, OperationType.PROMOTE);
  }

  @Override
  CompletableFuture<Prepared> prepare(Promote r, Cluster c, EngineContext ctx) {
    Node node = check(r, c);
    return done(new Prepared(c, plan(c, node), Set.of(), Set.of()));
  }

  @Override
  public void applyOutcome(Prepared p, Operation op, Cluster c, Cluster.Builder b) {
    op.plan()
        .steps()
        .filter(
            st ->
                st instanceof ServiceStep ss
                    && ss.service().equals(StandardService.PROMOTE.serviceName()))
        .map(ServiceStep.class::cast)
        .forEach(ss -> b.primary(ss.role(), ss.node()));
  }

  private static Node check(Promote r, Cluster c) {
    Node node =
        c.node(r.node())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "cluster " + c.name() + " has no node '" + r.node() + "'"));
    List<ValidationProblem> p = new ArrayList<>();
    if (c.specOf(node)
        .role(node.role())
        .flatMap(x -> x.service(StandardService.PROMOTE))
        .isEmpty()) {
      p.add(
          ValidationProblem.of(
              "node",
              "role "
                  + node.role()
                  + " of node "
                  + node.id()
                  + " defines no promote service, so its nodes cannot be promoted"));
    } else if (c.primary(node.role()).map(Node::id).orElse("").equals(node.id())) {
      p.add(
          ValidationProblem.of(
              "node", "node " + node.id() + " is already the primary of role " + node.role()));
    } else if (node.state() != NodeState.RUNNING) {
      p.add(
          ValidationProblem.of(
              "node",
              "node "
                  + node.id()
                  + " is "
                  + node.state()
                  + "; only a running node can be promoted"));
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "promote request for " + c.name());
    Optional<Node> primary = c.primary(node.role());
    if (primary.isPresent() && primary.get().state() == NodeState.RUNNING && !r.switchover()) {
      throw new ConflictException(
          "node "
              + primary.get().id()
              + " is the healthy primary of role "
              + node.role()
              + "; promote "
              + node.id()
              + " as a switchover to replace it",
          "");
    }
    return node;
  }

  /** The plan of a promotion: {@code promote} on the node, publish it as primary, reload. */
  static Plan plan(Cluster cluster, Node node) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.PROMOTE);
    int order =
        cluster
            .specOf(node)
            .role(node.role())
            .flatMap(r -> r.service(PROMOTE))
            .orElseThrow()
            .order();
    b.stage(
        "promote",
        FailurePolicy.FAIL,
        false,
        List.of(
            s ->
                ServiceStep.builder()
                    .id(id(s, PROMOTE, node.id()))
                    .node(node.id())
                    .role(node.role())
                    .service(PROMOTE)
                    .order(order)
                    .build()));
    b.metadata(
        "publish /primary",
        MetadataStep.Action.PUBLISH,
        "primary",
        List.of(PRIMARY),
        List.of(node.id()),
        false);
    b.reload(up(cluster.nodes()), Set.of(PRIMARY));
    return b.build();
  }
}
