package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.OperationRunner;
import io.clusterlifecycle.core.internal.exec.RecordKeeper;
import io.clusterlifecycle.core.internal.ops.OperationHandler;
import io.clusterlifecycle.core.internal.ops.OperationRegistry;
import io.clusterlifecycle.core.internal.ops.Prepared;
import io.clusterlifecycle.core.internal.ownership.Leases;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Records the end of an operation as its {@link OperationHandler} says: the operation's record
 * first, then the cluster's (docs/design.md §5.9). Never blocks a thread.
 */
final class Ending {
  private final EngineContext ctx;
  private final StoreCalls store;
  private final Leases leases;
  private final OperationRegistry registry;

  Ending(EngineContext ctx, StoreCalls store, Leases leases, OperationRegistry registry) {
    this.ctx = ctx;
    this.store = store;
    this.leases = leases;
    this.registry = registry;
  }

  /**
   * Completes the end of an operation that was recorded while its cluster's was not (its engine
   * died between the two writes): the cluster record is finished as the operation ended. Fails as
   * {@link #finish} does when the operation did not succeed.
   */
  CompletableFuture<Operation> finishRecorded(Cluster c, Operation op) {
    OperationRunner.Result result =
        new OperationRunner.Result(
            op.error().orElse(""),
            op.refused(),
            false,
            op.warnings(),
            op.keptVolumes(),
            op.state() == OperationState.CANCELLED,
            op.results());
    return finish(
        Prepared.ofRecorded(c, op.plan()), op, new RecordKeeper(ctx, c), result, () -> {});
  }

  /**
   * Records the end of an operation: first the operation's (so that a crash in between leaves the
   * cluster naming an ended operation, which recover completes), then the cluster's. Fails with
   * {@link OperationFailedException} or {@link LifecycleTimeoutException} when the operation did
   * not succeed. The lease is renewed until {@code stopRenewal} runs, once the operation's end is
   * recorded.
   */
  CompletableFuture<Operation> finish(
      Prepared p,
      Operation op,
      RecordKeeper records,
      OperationRunner.Result outcome,
      Runnable stopRenewal) {
    OperationHandler<?> handler = registry.forType(op.type());
    CompletableFuture<OperationRunner.Result> result =
        !outcome.succeeded()
            ? CompletableFuture.completedFuture(outcome)
            : handler
                .beforeEnd(records.current(), op, ctx)
                .thenApply(
                    error ->
                        error.isEmpty()
                            ? outcome
                            : new OperationRunner.Result(
                                error,
                                false,
                                false,
                                outcome.warnings(),
                                outcome.keptVolumes(),
                                false,
                                outcome.results()));
    return result.thenCompose(
        r -> {
          Operation done =
              op.endedAt().isPresent()
                  ? op
                  : op
                      .ended(
                          r.succeeded()
                              ? OperationState.SUCCEEDED
                              : r.cancelled() ? OperationState.CANCELLED : OperationState.FAILED,
                          ctx.now(),
                          r.error(),
                          r.refused(),
                          r.warnings(),
                          r.keptVolumes())
                      .toBuilder()
                      .results(r.results())
                      .build();
          CompletableFuture<Void> recorded =
              done == op
                  ? CompletableFuture.completedFuture(null)
                  : stillOwned(op)
                      .thenCompose(v -> store.call(() -> ctx.store().putOperation(done)))
                      // a failed ownership read leaves the end unrecorded too; a take-over does not
                      .exceptionallyCompose(
                          e ->
                              CompletableFuture.failedFuture(
                                  Failures.cause(e) instanceof ConflictException
                                      ? Failures.cause(e)
                                      : endNotRecorded(done, e)));
          // let record writes still under way (a node marked FAILED, a lease renewal) land first,
          // so that the end is computed from, and written over, the latest record
          return recorded
              .thenCompose(
                  v -> {
                    stopRenewal.run();
                    return records.settled();
                  })
              .thenCompose(v -> recordEnd(handler, p, done, records, r));
        });
  }

  /**
   * The error that tells the caller the operation ended but its end could not be recorded: the
   * cluster still names it, and recover records it (docs/design.md §5.8).
   */
  private static RuntimeException endNotRecorded(Operation done, Throwable e) {
    String why =
        "could not record the end of "
            + done.id()
            + ": "
            + Failures.cause(e)
            + "; the operation has ended, run recover on the cluster to record it";
    return Failures.isTransient(e)
        ? new TransientSpiException(why, Failures.cause(e))
        : new LifecycleException(why, Failures.cause(e));
  }

  /**
   * Fails when another engine has taken the operation over meanwhile (this engine stalled past its
   * lease, and the take-over fenced its commands): the operation's record is the new owner's to
   * write, not this engine's.
   */
  private CompletableFuture<Void> stillOwned(Operation op) {
    return store
        .call(() -> ctx.store().get(op.clusterId()))
        .thenAccept(
            c -> {
              boolean mine =
                  c.isPresent()
                      && c.get().operation().orElse("").equals(op.id())
                      && c.get().lease().map(l -> l.owner().equals(leases.owner())).orElse(false);
              if (!mine) {
                throw new ConflictException(
                    "operation "
                        + op.id()
                        + " was taken over by another engine while this one stalled; its end is"
                        + " that engine's to record",
                    op.id());
              }
            });
  }

  private CompletableFuture<Operation> recordEnd(
      OperationHandler<?> handler,
      Prepared p,
      Operation done,
      RecordKeeper records,
      OperationRunner.Result result) {
    Cluster c = records.current();
    ClusterState from = c.state();
    ClusterState planned =
        result.succeeded()
            ? handler.successState(done, c)
            : result.refused() ? done.startedFrom() : done.type().failureState();
    ClusterState to =
        planned == ClusterState.RUNNING
                && HealthCheck.endsUnhealthy(
                    c, result.succeeded() ? p.leaving() : java.util.Set.of())
            ? ClusterState.WARNING
            : planned;
    Cluster.Builder b =
        c.toBuilder()
            .state(from.moveTo(to))
            .operation("")
            .lease(Optional.empty())
            .updatedAt(ctx.now());
    if (result.succeeded()) {
      handler.applyOutcome(p, done, c, b);
    }
    for (Node n : c.nodes()) {
      if (result.succeeded()) {
        if (p.leaving().contains(n.id())) {
          b.removeNode(n.id());
        } else if (p.added().contains(n.id()) && n.state() != NodeState.RUNNING) {
          b.putNode(n.withState(n.state().moveTo(NodeState.RUNNING)));
        }
      } else if (result.refused() && p.added().contains(n.id())) {
        // a refusal comes before any node was created: the new nodes never existed
        b.removeNode(n.id());
      } else if (result.refused() && p.leaving().contains(n.id())) {
        NodeState back = stateBefore(p, n).orElse(handler.leavingStateAfterRefusal(done));
        b.putNode(n.state() == back ? n : n.withState(n.state().moveTo(back)));
      }
    }
    return records
        .update(x -> b)
        .handle(
            (ended, e) -> {
              if (e != null) {
                throw endNotRecorded(done, e);
              }
              emitState(ctx, ended, done.id(), done.type(), from, to);
              ctx.events()
                  .emit(
                      LifecycleEvent.builder(
                              result.succeeded()
                                  ? EventType.OPERATION_SUCCEEDED
                                  : EventType.OPERATION_FAILED)
                          .cluster(c.id())
                          .operation(done.id(), done.type())
                          .message(result.succeeded() ? "done" : result.error()));
              if (result.succeeded()) {
                return done;
              }
              if (result.timedOut()) {
                throw new LifecycleTimeoutException(result.error());
              }
              throw new OperationFailedException(done);
            });
  }

  /**
   * The state a leaving node had before the refused operation marked it DELETING, when its record
   * still says (a resumed operation's does not) and the node may return to it: a node that
   * skip-failed left stopped stays stopped.
   */
  private static Optional<NodeState> stateBefore(Prepared p, Node now) {
    return p.cluster()
        .node(now.id())
        .map(Node::state)
        .filter(s -> s != NodeState.DELETING && (s == now.state() || now.state().canMoveTo(s)));
  }

  /** Reports a change of a cluster's state. */
  static void emitState(
      EngineContext ctx,
      Cluster c,
      String opId,
      OperationType type,
      ClusterState from,
      ClusterState to) {
    ctx.events()
        .emit(
            LifecycleEvent.builder(EventType.STATE_CHANGED)
                .cluster(c.id())
                .operation(opId, type)
                .transition(from, to));
  }
}
