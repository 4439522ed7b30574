package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.PreCheckStep;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.JournalState;
import io.clusterlifecycle.core.internal.exec.NodeResources;
import io.clusterlifecycle.core.internal.ownership.Claims;
import io.clusterlifecycle.core.internal.ownership.Leases;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Ends operations without finishing them (docs/design.md §7.8): cancel stops the operation under
 * way, skip-failed gives up a failed or interrupted one and sets the cluster to what its resources
 * really are. Either way the commands an earlier run may have left going are fenced first, so
 * nothing of the operation runs on after it is recorded CANCELLED. Never blocks a thread.
 */
public final class GiveUp {
  private final EngineContext ctx;
  private final StoreCalls store;
  private final Leases leases;
  private final Claims claims;
  private final Execution execution;

  public GiveUp(
      EngineContext ctx, StoreCalls store, Leases leases, Claims claims, Execution execution) {
    this.ctx = ctx;
    this.store = store;
    this.leases = leases;
    this.claims = claims;
    this.execution = execution;
  }

  /**
   * Cancels the operation under way on a cluster: one this engine runs is stopped in place; one
   * whose engine is gone is ended here. Completes with the operation, CANCELLED.
   */
  public CompletableFuture<Operation> cancel(String cluster, Duration timeout) {
    return store
        .resolve(cluster)
        .thenCompose(
            c -> {
              String why = "cancelled by " + leases.owner();
              Optional<CompletableFuture<Operation>> local =
                  execution.cancel(c.id(), c.operation().orElse(""), why);
              if (local.isPresent()) {
                return local.get().handle((o, e) -> ended(o, e));
              }
              if (c.operation().isEmpty()) {
                return CompletableFuture.failedFuture(
                    new ConflictException(
                        "cluster "
                            + c.name()
                            + " has no operation under way to cancel (it is "
                            + c.state()
                            + ")",
                        ""));
              }
              return claimed(c.id(), timeout, (fresh, mine) -> cancelOrphan(fresh, why));
            });
  }

  /**
   * Gives up the failed or interrupted operation of a cluster, keeping what it did, and sets each
   * node and the cluster to the state the resource provider reports. A cluster with nothing to give
   * up is returned as it is.
   */
  public CompletableFuture<Cluster> skipFailed(String cluster, Duration timeout) {
    return store
        .resolve(cluster)
        .thenCompose(c -> claimed(c.id(), timeout, (fresh, mine) -> skip(fresh)))
        .thenCompose(v -> store.resolve(cluster));
  }

  /** Runs {@code work} on the fresh record while this engine holds the cluster's claim. */
  private <T> CompletableFuture<T> claimed(
      String clusterId,
      Duration timeout,
      BiFunction<Cluster, CompletableFuture<Void>, CompletableFuture<T>> work) {
    Instant deadline = ctx.clock().instant().plus(timeout);
    return claims
        .claim(clusterId, deadline)
        .thenCompose(
            mine ->
                store
                    .resolve(clusterId)
                    .thenCompose(
                        fresh -> {
                          if (!fresh.operation().isEmpty() && leases.isHeldByOther(fresh)) {
                            Lease lease = fresh.lease().orElseThrow();
                            throw new ConflictException(
                                "operation "
                                    + fresh.operation().orElse("")
                                    + " on cluster "
                                    + fresh.name()
                                    + " is running in engine "
                                    + lease.owner()
                                    + " (host "
                                    + lease.host()
                                    + ", process "
                                    + lease.pid()
                                    + "); cancel it in that engine, or stop that process"
                                    + " (SIGTERM) and try again",
                                fresh.operation().orElse(""));
                          }
                          return work.apply(fresh, mine);
                        })
                    .whenComplete((x, e) -> claims.release(clusterId, mine)));
  }

  private CompletableFuture<Operation> cancelOrphan(Cluster c, String why) {
    if (c.operation().isEmpty()) {
      throw new ConflictException(
          "cluster " + c.name() + " has no operation under way to cancel", "");
    }
    return operation(c.operation().orElseThrow())
        .thenCompose(
            op ->
                takeOver(c)
                    .thenCompose(taken -> fenceInDoubt(taken, op).thenApply(v -> taken))
                    .thenCompose(
                        taken -> {
                          if (op.endedAt().isPresent()) {
                            return completeEnded(taken, op);
                          }
                          Operation cancelled =
                              op.ended(
                                  OperationState.CANCELLED,
                                  ctx.now(),
                                  why + " (its engine was gone)",
                                  false,
                                  op.warnings(),
                                  op.keptVolumes());
                          ClusterState to = op.type().failureState();
                          Cluster ended =
                              taken.toBuilder()
                                  .state(c.state() == to ? to : c.state().moveTo(to))
                                  .operation("")
                                  .lease(Optional.empty())
                                  .updatedAt(ctx.now())
                                  .build();
                          return store
                              .call(() -> ctx.store().putOperation(cancelled))
                              .thenCompose(x -> store.put(ended))
                              .thenApply(
                                  x -> {
                                    report(x, cancelled, c.state(), to);
                                    return cancelled;
                                  });
                        }));
  }

  /**
   * An operation whose end was recorded but not its cluster's is not cancelled: its end is
   * completed as recover would, and it is returned as it ended.
   */
  private CompletableFuture<Operation> completeEnded(Cluster c, Operation op) {
    return execution
        .finishRecorded(c, op)
        .handle(
            (done, e) -> {
              Throwable cause = e == null ? null : Failures.cause(e);
              if (cause != null && !(cause instanceof OperationFailedException)) {
                throw new java.util.concurrent.CompletionException(cause);
              }
              return op;
            });
  }

  /**
   * Puts this engine's lease on a record that names an operation whose engine is gone, before its
   * commands are fenced: should that engine only have stalled, its later writes then fail their
   * compare-and-set, and it sees that it lost the operation.
   */
  private CompletableFuture<Cluster> takeOver(Cluster c) {
    if (c.operation().isEmpty()) {
      return CompletableFuture.completedFuture(c);
    }
    return store.put(c.toBuilder().lease(Optional.of(leases.lease())).updatedAt(ctx.now()).build());
  }

  private CompletableFuture<Void> skip(Cluster c) {
    CompletableFuture<Optional<Operation>> target =
        c.operation().isPresent()
            ? operation(c.operation().orElseThrow()).thenApply(Optional::of)
            : c.state().isFailed()
                ? store
                    .call(() -> ctx.store().operations(c.id()))
                    .thenApply(ops -> lastResumable(c, ops))
                : CompletableFuture.completedFuture(Optional.empty());
    return target.thenCompose(
        op -> {
          if (op.isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          Operation o = op.get();
          return takeOver(c)
              .thenCompose(
                  taken ->
                      fenceInDoubt(taken, o)
                          .thenCompose(v -> reconcile(taken))
                          .thenCompose(nodes -> record(taken, o, nodes)));
        });
  }

  private static Optional<Operation> lastResumable(Cluster c, List<Operation> ops) {
    for (int i = ops.size() - 1; i >= 0; i--) {
      Operation o = ops.get(i);
      boolean ended =
          o.state() == OperationState.FAILED
              || (o.state() == OperationState.CANCELLED && c.history().contains(o.id()));
      if (ended && o.type().failureState() == c.state()) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /** The cluster's nodes as the provider has them: a node whose resource is gone is left out. */
  private CompletableFuture<List<Node>> reconcile(Cluster c) {
    List<CompletableFuture<Optional<Node>>> found = new ArrayList<>();
    for (Node n : c.nodes()) {
      found.add(
          ctx.retrying(() -> ctx.resources().find(new NodeRef(c.id(), n.id())))
              .thenApply(r -> r.map(res -> real(c, n, res))));
    }
    return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new))
        .thenApply(v -> found.stream().flatMap(f -> f.join().stream()).toList());
  }

  /**
   * The node as its resource is: state, address, instance, size and image. A changed image takes
   * the version of the spec (current or previous) that gives the node's role that image.
   */
  private static Node real(Cluster c, Node n, NodeResource r) {
    Node real =
        n.withResource(r.address(), r.instanceId())
            .withState(r.running() ? NodeState.RUNNING : NodeState.STOPPED)
            .withSize(r.cpu(), r.memory(), r.volumeSize());
    String image = r.image().orElse("");
    if (image.equals(n.image().orElse(""))) {
      return real;
    }
    String version = n.version().orElse("");
    for (AppSpec spec : c.previousSpec().map(p -> List.of(c.spec(), p)).orElse(List.of(c.spec()))) {
      Optional<RoleSpec> role = spec.role(n.role());
      if (role.isPresent() && role.get().image().orElse("").equals(image)) {
        version = spec.version();
        break;
      }
    }
    return real.withImage(image, version);
  }

  private CompletableFuture<Void> record(Cluster c, Operation op, List<Node> nodes) {
    ClusterState failed = c.state().isFailed() ? c.state() : op.type().failureState();
    ClusterState to;
    if (nodes.isEmpty() && op.type() == OperationType.DELETE) {
      to = ClusterState.DONE;
    } else if (!nodes.isEmpty() && nodes.stream().allMatch(n -> n.state() == NodeState.STOPPED)) {
      to = ClusterState.STOPPED;
    } else {
      to = ClusterState.RUNNING;
    }
    if (failed != c.state()) {
      c.state().moveTo(failed);
    }
    Cluster.Builder b =
        c.toBuilder()
            .state(failed.moveTo(to))
            .operation("")
            .lease(Optional.empty())
            .updatedAt(ctx.now());
    for (Node n : c.nodes()) {
      b.removeNode(n.id());
    }
    nodes.forEach(b::putNode);
    String was = op.error().map(e -> "; it had failed: " + e).orElse("");
    Operation skipped =
        op.state() == OperationState.CANCELLED
            ? op
            : op.ended(
                OperationState.CANCELLED,
                ctx.now(),
                "given up by skip-failed" + was,
                false,
                op.warnings(),
                op.keptVolumes());
    return unpublishScaling(c)
        .thenCompose(v -> store.call(() -> ctx.store().putOperation(skipped)))
        .thenCompose(v -> store.put(b.build()))
        .thenAccept(
            ended -> {
              report(ended, skipped, c.state(), to);
              int gone = c.nodes().size() - nodes.size();
              execution.emit(
                  LifecycleEvent.builder(EventType.WARNING)
                      .cluster(c.id())
                      .operation(op.id(), op.type())
                      .message(
                          "skip-failed: "
                              + nodes.size()
                              + " nodes kept as the provider has them"
                              + (gone > 0 ? ", " + gone + " without a resource removed" : "")));
            });
  }

  /**
   * Removes the {@code /vertical-scaling-roles} a given-up vertical scaling published (this one, or
   * one cancelled before it): no finally stage of it will run to remove them, and no operation is
   * under way once skip-failed is done.
   */
  private CompletableFuture<Void> unpublishScaling(Cluster c) {
    String prefix = ctx.tree().clusterRoot(c.id()) + "/" + Planner.VERTICAL_SCALING_ROLES;
    return ctx.retrying(() -> ctx.metadata().commit(new MetadataChange(Map.of(), List.of(prefix))));
  }

  /**
   * Fences the command steps an earlier run of the operation started and did not finish: once this
   * completes, none of them runs anywhere.
   */
  private CompletableFuture<Void> fenceInDoubt(Cluster c, Operation op) {
    return store
        .call(() -> ctx.store().journal(op.id()))
        .thenCompose(
            journal -> {
              JournalState state = JournalState.of(journal);
              List<CompletableFuture<Void>> fences = new ArrayList<>();
              op.plan()
                  .steps()
                  .filter(s -> state.inDoubt().contains(s.id()))
                  .forEach(
                      s ->
                          nodeOf(s)
                              .flatMap(c::node)
                              .ifPresent(
                                  n ->
                                      fences.add(
                                          ctx.retrying(
                                              () ->
                                                  ctx.commands()
                                                      .fence(
                                                          NodeResources.of(c.id(), n),
                                                          op.id() + "/" + s.id())))));
              return CompletableFuture.allOf(fences.toArray(CompletableFuture[]::new))
                  .exceptionallyCompose(
                      e ->
                          CompletableFuture.failedFuture(
                              new ConflictException(
                                  "cannot make sure that the commands operation "
                                      + op.id()
                                      + " started have ended, so it is not given up: "
                                      + Failures.describe(e),
                                  op.id())));
            });
  }

  private static Optional<String> nodeOf(Step s) {
    if (s instanceof ServiceStep st) {
      return Optional.of(st.node());
    }
    if (s instanceof PreCheckStep st) {
      return Optional.of(st.node());
    }
    return Optional.empty();
  }

  private CompletableFuture<Operation> operation(String id) {
    return store
        .call(() -> ctx.store().getOperation(id))
        .thenApply(
            o ->
                o.orElseThrow(
                    () ->
                        new ConflictException(
                            "the record of operation " + id + " is missing; recover the cluster",
                            id)));
  }

  private void report(Cluster c, Operation op, ClusterState from, ClusterState to) {
    execution.emitState(c, op.id(), op.type(), from, to);
    execution.emit(
        LifecycleEvent.builder(EventType.OPERATION_FAILED)
            .cluster(c.id())
            .operation(op.id(), op.type())
            .message(op.error().orElse("cancelled")));
  }

  /** The operation a local cancel ended with, from the end of its run. */
  private static Operation ended(Operation o, Throwable e) {
    if (e == null) {
      return o;
    }
    Throwable cause = Failures.cause(e);
    if (cause instanceof OperationFailedException f) {
      return f.operation();
    }
    throw new java.util.concurrent.CompletionException(cause);
  }
}
