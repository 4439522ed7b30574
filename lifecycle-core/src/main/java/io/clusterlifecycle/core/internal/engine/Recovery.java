package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.Futures;
import io.clusterlifecycle.core.internal.exec.JournalState;
import io.clusterlifecycle.core.internal.ops.Prepared;
import io.clusterlifecycle.core.internal.ownership.Claims;
import io.clusterlifecycle.core.internal.ownership.Leases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Finishes what an interrupted or failed operation left: resumes its plan from its journal, first
 * deleting the nodes whose creation failed (a stage of kind {@link Stage.Kind#RECOVERY}), or
 * completes the cluster's record when only that was missing. Never blocks a thread.
 */
public final class Recovery {
  static final String DELETE_FAILED_NODES = "recover: delete failed nodes";

  private final EngineContext ctx;
  private final StoreCalls store;
  private final Leases leases;
  private final Claims claims;
  private final Execution execution;

  public Recovery(
      EngineContext ctx, StoreCalls store, Leases leases, Claims claims, Execution execution) {
    this.ctx = ctx;
    this.store = store;
    this.leases = leases;
    this.claims = claims;
    this.execution = execution;
  }

  /**
   * Recovers a cluster if, once this engine holds its claim, its record still passes {@code still};
   * completes with the cluster's record afterwards.
   */
  public CompletableFuture<Cluster> recover(
      String cluster, Duration timeout, Predicate<Cluster> still) {
    Instant deadline = ctx.clock().instant().plus(timeout);
    return store.resolve(cluster).thenCompose(c -> recoverClaimed(c.id(), deadline, still));
  }

  /**
   * Recovers the cluster with an id read from the store a moment ago (a take-over scan's), as
   * {@link #recover} does, without resolving it first: the record is read once the claim is held.
   */
  public CompletableFuture<Cluster> recoverById(
      String clusterId, Duration timeout, Predicate<Cluster> still) {
    return recoverClaimed(clusterId, ctx.clock().instant().plus(timeout), still);
  }

  private CompletableFuture<Cluster> recoverClaimed(
      String id, Instant deadline, Predicate<Cluster> still) {
    return claims
        .claim(id, deadline)
        .thenCompose(
            mine ->
                store
                    .resolve(id)
                    .thenCompose(
                        fresh -> {
                          if (!still.test(fresh)) {
                            claims.release(id, mine);
                            return CompletableFuture.completedFuture(Optional.of(fresh));
                          }
                          return recover(fresh, deadline, mine);
                        })
                    .whenComplete(
                        (x, e) -> {
                          if (e != null) {
                            claims.release(id, mine);
                          }
                        }))
        .thenCompose(
            ended ->
                ended.isPresent()
                    ? CompletableFuture.completedFuture(ended.get())
                    : store.resolve(id));
  }

  /**
   * Recovers a claimed cluster; completes with its record as the recovery left it when this engine
   * wrote that record last, or empty when it must be read.
   */
  private CompletableFuture<Optional<Cluster>> recover(
      Cluster c, Instant deadline, CompletableFuture<Void> mine) {
    if (c.state() == ClusterState.COOLDOWN && c.operation().isEmpty()) {
      return store
          .put(
              c.toBuilder()
                  .state(c.state().moveTo(ClusterState.RUNNING))
                  .updatedAt(ctx.now())
                  .build())
          .thenApply(
              x -> {
                execution.emitState(c, "", null, ClusterState.COOLDOWN, ClusterState.RUNNING);
                claims.release(c.id(), mine);
                return Optional.of(x);
              });
    }
    if (!c.operation().isEmpty()) {
      // this engine holds the cluster's claim, so a lease of its own is stale
      if (leases.isHeldByOther(c)) {
        Lease lease = c.lease().orElseThrow();
        return CompletableFuture.failedFuture(
            new ConflictException(
                "operation "
                    + c.operation().orElse("")
                    + " on cluster "
                    + c.name()
                    + " is running in engine "
                    + lease.owner()
                    + " (lease until "
                    + lease.expiresAt()
                    + "); wait for it",
                c.operation().orElse("")));
      }
      return store
          .call(() -> ctx.store().getOperation(c.operation().orElseThrow()))
          .thenCompose(
              o ->
                  o.isPresent() && o.get().endedAt().isPresent()
                      ? completeEnded(c, o.get(), deadline, mine)
                      : resume(c, o, deadline, mine));
    }
    // an engine may have died between recording an operation PENDING and claiming the cluster
    return store
        .call(() -> ctx.store().operations(c.id()))
        .thenCompose(
            ops -> {
              List<CompletableFuture<Void>> cancelled = new ArrayList<>();
              for (Operation o : ops) {
                if (o.state() == OperationState.PENDING) {
                  cancelled.add(
                      store.call(
                          () ->
                              ctx.store()
                                  .putOperation(
                                      o.ended(
                                          OperationState.CANCELLED,
                                          ctx.now(),
                                          "its engine stopped before the operation" + " started",
                                          false,
                                          List.of(),
                                          List.of()))));
                }
              }
              Optional<Operation> failed = Optional.empty();
              for (int i = ops.size() - 1;
                  i >= 0 && failed.isEmpty() && c.state().isFailed();
                  i--) {
                Operation o = ops.get(i);
                // a cancelled operation that had claimed the cluster (it is in its history) may be
                // resumed too; one cancelled before it started changed nothing
                boolean resumable =
                    o.state() == OperationState.FAILED
                        || (o.state() == OperationState.CANCELLED && c.history().contains(o.id()));
                if (resumable && !o.refused() && o.type().failureState() == c.state()) {
                  failed = Optional.of(o);
                }
              }
              Optional<Operation> interrupted = failed;
              return CompletableFuture.allOf(cancelled.toArray(CompletableFuture[]::new))
                  .thenCompose(v -> resume(c, interrupted, deadline, mine));
            });
  }

  private CompletableFuture<Optional<Cluster>> resume(
      Cluster c, Optional<Operation> interrupted, Instant deadline, CompletableFuture<Void> mine) {
    if (interrupted.isEmpty()) {
      claims.release(c.id(), mine);
      if (c.state().isFailed()) {
        return CompletableFuture.failedFuture(
            new IllegalStateTransitionException(
                c.state(),
                c.state(),
                "cluster "
                    + c.name()
                    + " is "
                    + c.state()
                    + " but no failed operation"
                    + " of it can be found to resume; delete it with force"));
      }
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Operation op = interrupted.get();
    return store
        .call(() -> ctx.store().journal(op.id()))
        .thenCompose(journal -> resume(c, op, JournalState.of(journal), deadline, mine));
  }

  private CompletableFuture<Optional<Cluster>> resume(
      Cluster c,
      Operation op,
      JournalState journal,
      Instant deadline,
      CompletableFuture<Void> mine) {
    Plan plan = op.plan();
    Set<String> created = Prepared.nodes(plan, CreateNodeStep.class);
    List<Node> recreate =
        c.nodes().stream()
            .filter(n -> n.state() == NodeState.FAILED && created.contains(n.id()))
            .toList();
    if (!recreate.isEmpty()) {
      int round =
          (int) plan.stages().stream().filter(st -> st.kind() == Stage.Kind.RECOVERY).count() + 1;
      List<Step> deletes =
          recreate.stream()
              .map(
                  n ->
                      (Step)
                          new DeleteNodeStep(
                              "r" + round + "-delete-" + n.id(), n.id(), n.role(), false))
              .toList();
      List<Stage> stages = new ArrayList<>();
      stages.add(
          Stage.builder(DELETE_FAILED_NODES).kind(Stage.Kind.RECOVERY).addSteps(deletes).build());
      stages.addAll(plan.stages());
      plan = new Plan(plan.clusterId(), plan.clusterName(), plan.type(), stages);
    }
    Set<String> leaving = Prepared.leaving(op.plan());
    Prepared p = new Prepared(c, plan, created, leaving);
    ClusterState active = op.type().activeState();
    ClusterState from = c.state();
    Cluster.Builder b =
        c.toBuilder().operation(op.id()).lease(Optional.of(leases.lease())).updatedAt(ctx.now());
    if (from != active) {
      b.state(from.moveTo(active));
    }
    for (Node n : recreate) {
      b.putNode(n.withState(n.state().moveTo(NodeState.DEPLOYING)).withResource("", ""));
    }
    Operation resumed =
        op.toBuilder()
            .state(
                op.state() == OperationState.RUNNING
                    ? op.state()
                    : op.state().moveTo(OperationState.RUNNING))
            .plan(plan)
            .endedAt(Optional.empty())
            .error(Optional.empty())
            .refused(false)
            .build();
    Plan resumedPlan = plan;
    // the claim and the resumed record land together (docs/design.md §9.5)
    return store
        .claim(b.build(), resumed)
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Failures.cause(e)
                            instanceof io.clusterlifecycle.api.spi.VersionConflictException
                        ? new ConflictException(
                            "another engine is recovering cluster "
                                + c.name()
                                + " (it changed the record first); wait for it, then look again",
                            op.id())
                        : Failures.cause(e)))
        .thenCompose(
            running -> {
              Execution.Held held = execution.hold(running);
              execution.emit(
                  LifecycleEvent.builder(EventType.OPERATION_STARTED)
                      .cluster(c.id())
                      .operation(op.id(), op.type())
                      .message(
                          "resumed: "
                              + journal.done().size()
                              + " of "
                              + resumedPlan.steps().count()
                              + " steps already done"));
              if (from != active) {
                execution.emitState(running, op.id(), op.type(), from, active);
              }
              return Futures.call(() -> execution.run(p, resumed, held, deadline, journal, mine))
                  .thenApply(o -> Optional.of(held.records().current()))
                  .whenComplete((v, e) -> held.release());
            });
  }

  /**
   * The engine died after recording an operation's end but before the cluster's: finish the
   * cluster's record as the operation ended, then recover further if it had failed.
   */
  private CompletableFuture<Optional<Cluster>> completeEnded(
      Cluster c, Operation op, Instant deadline, CompletableFuture<Void> mine) {
    return execution
        .finishRecorded(c, op)
        .handle((o, e) -> e == null ? null : Failures.cause(e))
        .thenCompose(
            failure -> {
              if (failure instanceof OperationFailedException && !op.refused()) {
                return store.resolve(c.id()).thenCompose(fresh -> recover(fresh, deadline, mine));
              }
              if (failure != null && !(failure instanceof OperationFailedException)) {
                return CompletableFuture.failedFuture(failure);
              }
              claims.release(c.id(), mine);
              return CompletableFuture.completedFuture(Optional.<Cluster>empty());
            });
  }
}
