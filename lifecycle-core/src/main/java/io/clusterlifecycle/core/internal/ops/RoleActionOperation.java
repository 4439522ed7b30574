package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.RoleAction;
import io.clusterlifecycle.api.state.NodeAction;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An action of the service orchestrator on a role's nodes, in batches (docs/design.md §6.13).
 * Everything is checked before anything is planned: the role, the nodes (of that role, in a state
 * the action applies to), the batch settings, the snapshot name, and that the resource provider
 * supports the action.
 */
final class RoleActionOperation extends ClusterOperation<RoleAction> {
  static final Pattern SNAPSHOT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  RoleActionOperation() {
    super(RoleAction.class, OperationType.ROLE_ACTION);
  }

  @Override
  CompletableFuture<Prepared> prepare(RoleAction r, Cluster c, EngineContext ctx) {
    Checks.role(c, r.role());
    NodeAction action = r.action();
    List<Node> nodes = nodes(r, c);
    List<ValidationProblem> p = new ArrayList<>();
    if (action.byProvider() && !ctx.resources().actions().contains(action)) {
      p.add(
          ValidationProblem.of(
              "action",
              "the resource provider "
                  + ctx.resources().getClass().getSimpleName()
                  + " does not support "
                  + action.label()
                  + "; it supports "
                  + supported(ctx)));
    }
    for (Node n : nodes) {
      if (!action.appliesTo().contains(n.state())) {
        p.add(
            ValidationProblem.of(
                "nodes",
                "node "
                    + n.id()
                    + " is "
                    + n.state()
                    + "; "
                    + action.label()
                    + " applies to "
                    + new TreeSet<>(action.appliesTo())
                    + " nodes"));
      }
    }
    r.number()
        .ifPresent(
            n -> {
              if (n < 1) {
                p.add(ValidationProblem.of("number", "must be at least 1, was " + n));
              }
            });
    r.period()
        .ifPresent(
            d -> {
              if (d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
                p.add(ValidationProblem.of("period", "must be between 0 and 1 day, was " + d));
              }
            });
    if (action.needsSnapshot() && !SNAPSHOT.matcher(r.snapshot()).matches()) {
      p.add(
          ValidationProblem.of(
              "snapshot",
              action.label()
                  + " needs a snapshot name of 1 to 64 letters, digits, '_', '.' or '-', was '"
                  + r.snapshot()
                  + "'"));
    }
    if (!action.needsSnapshot() && !r.snapshot().isEmpty()) {
      p.add(ValidationProblem.of("snapshot", action.label() + " takes no snapshot name"));
    }
    boolean terminate = action == NodeAction.TERMINATE || action == NodeAction.TERMINATE_HARD;
    if (terminate && (r.number().isPresent() || r.period().isPresent())) {
      p.add(
          ValidationProblem.of(
              "number",
              "terminate deletes the nodes in one plan, as delete-nodes does: give no number or"
                  + " period"));
    }
    Checks.timeout(r.timeout(), p);
    String subject = action.label() + " request for " + c.name();
    Checks.throwIf(p, subject);
    if (terminate) {
      Set<String> ids =
          nodes.stream().map(Node::id).collect(Collectors.toCollection(LinkedHashSet::new));
      DeleteNodes delete =
          new DeleteNodes(
              c.name(), List.copyOf(ids), action == NodeAction.TERMINATE_HARD, r.timeout());
      DeleteNodesOperation.check(delete, c);
      return done(
          new Prepared(
              c,
              DeleteNodesOperation.plan(
                  c, ids, action == NodeAction.TERMINATE_HARD, OperationType.ROLE_ACTION),
              Set.of(),
              ids));
    }
    int number = r.number().orElse(ctx.actions().number());
    Duration period = r.period().orElse(ctx.actions().period());
    return done(
        new Prepared(c, plan(c, nodes, action, r.snapshot(), number, period), Set.of(), Set.of()));
  }

  /** The chosen nodes, in the order given, or all of the role's; each must be of the role. */
  private static List<Node> nodes(RoleAction r, Cluster c) {
    if (r.nodes().isEmpty()) {
      return c.nodes(r.role());
    }
    List<ValidationProblem> p = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Node> out = new ArrayList<>();
    for (String id : r.nodes()) {
      Node n =
          c.node(id)
              .orElseThrow(
                  () -> new NotFoundException("cluster " + c.name() + " has no node '" + id + "'"));
      if (!seen.add(id)) {
        p.add(ValidationProblem.of("nodes", "node " + id + " is listed twice"));
      } else if (!n.role().equals(r.role())) {
        p.add(
            ValidationProblem.of(
                "nodes", "node " + id + " is of role " + n.role() + ", not " + r.role()));
      } else {
        out.add(n);
      }
    }
    Checks.throwIf(p, r.action().label() + " request for " + c.name());
    return out;
  }

  private static String supported(EngineContext ctx) {
    Set<String> all = new TreeSet<>();
    for (NodeAction a : NodeAction.values()) {
      if (!a.byProvider() || ctx.resources().actions().contains(a)) {
        all.add(a.label());
      }
    }
    return String.join(", ", all);
  }

  /**
   * The batches: {@code number} nodes at a time, {@code period} between them. Stop and reboot use
   * the provider's stop and start; a snapshot revert on a running node stops it first and starts it
   * again after.
   */
  static Plan plan(
      Cluster c,
      List<Node> nodes,
      NodeAction action,
      String snapshot,
      int number,
      Duration period) {
    PlanBuilder b = new PlanBuilder(c, OperationType.ROLE_ACTION);
    b.inBatches(
        nodes,
        number,
        period,
        batch -> {
          switch (action) {
            case STOP -> b.stopInstances(batch);
            case REBOOT, REBOOT_HARD -> {
              b.stopInstances(batch);
              b.startInstances(batch);
            }
            case SNAPSHOT_REVERT, DISK_SNAPSHOT_REVERT -> {
              List<Node> running =
                  batch.stream().filter(n -> n.state() == NodeState.RUNNING).toList();
              if (!running.isEmpty()) {
                b.stopInstances(running);
              }
              b.nodeActions(batch, action, snapshot);
              if (!running.isEmpty()) {
                b.startInstances(running);
              }
            }
            case POWEROFF, UNDEPLOY -> {
              // the graceful forms stop the workload first, as an operating system's shutdown
              b.services(
                  PlanBuilder.STOP,
                  PlanBuilder.up(batch),
                  x -> true,
                  io.clusterlifecycle.api.plan.Stage.FailurePolicy.FAIL,
                  "stop");
              b.nodeActions(batch, action, snapshot);
            }
            case RESUME -> {
              b.nodeActions(batch, action, snapshot);
              // a node whose processes were ended boots again: its start service runs
              List<Node> booted =
                  batch.stream().filter(n -> n.state() != NodeState.SUSPENDED).toList();
              b.services(
                  PlanBuilder.START,
                  booted,
                  x -> true,
                  io.clusterlifecycle.api.plan.Stage.FailurePolicy.FAIL,
                  "start");
            }
            default -> b.nodeActions(batch, action, snapshot);
          }
        });
    return b.build();
  }
}
