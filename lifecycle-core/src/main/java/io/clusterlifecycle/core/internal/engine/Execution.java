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
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.Futures;
import io.clusterlifecycle.core.internal.exec.Ids;
import io.clusterlifecycle.core.internal.exec.JournalState;
import io.clusterlifecycle.core.internal.exec.OperationRunner;
import io.clusterlifecycle.core.internal.exec.RecordKeeper;
import io.clusterlifecycle.core.internal.metrics.EngineMeters;
import io.clusterlifecycle.core.internal.ops.OperationHandler;
import io.clusterlifecycle.core.internal.ops.OperationRegistry;
import io.clusterlifecycle.core.internal.ops.Prepared;
import io.clusterlifecycle.core.internal.ownership.Claims;
import io.clusterlifecycle.core.internal.ownership.Leases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs prepared operations: records their start, runs their plan while the lease is renewed, and
 * records their end as their {@link OperationHandler} says. Never blocks a thread.
 */
public final class Execution {
  private final EngineContext ctx;
  private final StoreCalls store;
  private final Leases leases;
  private final Claims claims;
  private final OperationRegistry registry;
  private final java.util.Map<String, Running> running =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Starting starting = new Starting();

  /** An operation this engine is running: its runner, and its end. */
  private record Running(OperationRunner runner, CompletableFuture<Operation> end) {}

  public Execution(
      EngineContext ctx,
      StoreCalls store,
      Leases leases,
      Claims claims,
      OperationRegistry registry) {
    this.ctx = ctx;
    this.store = store;
    this.leases = leases;
    this.claims = claims;
    this.registry = registry;
  }

  /**
   * Records a new operation, claims the cluster's record for it and runs it. When another engine
   * changed the record first the future fails with a {@link VersionConflictException} and the
   * caller keeps {@code mine} to try again; on any other failure the claim is released.
   */
  public CompletableFuture<Operation> start(
      Prepared p, ClusterState from, Instant deadline, CompletableFuture<Void> mine) {
    Cluster c = p.cluster();
    OperationType type = p.plan().type();
    String opId = "op-" + Ids.hex(10);
    Instant now = ctx.now();
    starting.begin(opId);
    CompletableFuture<Started> started =
        Futures.call(
            () -> {
              ClusterState active = type.begin(from);
              Operation pending =
                  Operation.builder()
                      .id(opId)
                      .clusterId(c.id())
                      .type(type)
                      .state(OperationState.PENDING)
                      .startedFrom(from)
                      .plan(p.plan())
                      .createdAt(now)
                      .build();
              Operation op =
                  pending.toBuilder().state(pending.state().moveTo(OperationState.RUNNING)).build();
              // the claim and the RUNNING record land together; the PENDING record before them
              // lets recovery cancel an operation whose engine died before it claimed the cluster
              return store
                  .call(() -> ctx.store().putOperation(pending))
                  .thenCompose(
                      v ->
                          store
                              .claim(claimed(p, opId, active, now), op)
                              .exceptionallyCompose(
                                  e -> {
                                    Throwable cause = Failures.cause(e);
                                    // the cluster was not claimed: this operation never started
                                    String why =
                                        cause instanceof VersionConflictException
                                            ? "another engine changed the cluster first"
                                            : "could not record its start: " + cause.getMessage();
                                    return store
                                        .call(
                                            () ->
                                                ctx.store()
                                                    .putOperation(
                                                        pending.ended(
                                                            OperationState.CANCELLED,
                                                            ctx.now(),
                                                            why,
                                                            false,
                                                            List.of(),
                                                            List.of())))
                                        .handle(
                                            (x, e2) -> {
                                              throw new CompletionException(cause);
                                            });
                                  }))
                  .thenApply(
                      running -> {
                        Held held = hold(running);
                        emit(
                            LifecycleEvent.builder(EventType.OPERATION_STARTED)
                                .cluster(c.id())
                                .operation(opId, type)
                                .message(
                                    p.plan().stages().size()
                                        + " stages, "
                                        + p.plan().steps().count()
                                        + " steps"));
                        emitState(running, opId, type, from, active);
                        return new Started(op, held);
                      });
            });
    return started
        .handle(
            (s, e) -> {
              if (e == null) {
                return run(p, s.op(), s.held(), deadline, JournalState.FIRST_RUN, mine);
              }
              Throwable cause = Failures.cause(e);
              starting
                  .end(opId)
                  .ifPresent(
                      w ->
                          w.end()
                              .completeExceptionally(
                                  new ConflictException(
                                      "operation "
                                          + opId
                                          + " on cluster "
                                          + c.name()
                                          + " ended before it started: "
                                          + cause.getMessage(),
                                      opId)));
              if (!(cause instanceof VersionConflictException)) {
                claims.release(c.id(), mine);
              }
              return CompletableFuture.<Operation>failedFuture(cause);
            })
        .thenCompose(f -> f);
  }

  /** The record that claims the cluster for the operation, with a lease from now. */
  private Cluster claimed(Prepared p, String opId, ClusterState active, Instant now) {
    Cluster c = p.cluster();
    Cluster.Builder b =
        c.toBuilder()
            .state(active)
            .activeRoles(p.plan().roles())
            .operation(opId)
            .addHistory(opId)
            .lease(Optional.of(leases.lease()))
            .updatedAt(now);
    for (Node n : c.nodes()) {
      if (p.added().contains(n.id())) {
        b.putNode(n.withState(n.state().moveTo(NodeState.DEPLOYING)));
      } else if (p.leaving().contains(n.id()) && n.state() != NodeState.DELETING) {
        b.putNode(n.withState(n.state().moveTo(NodeState.DELETING)));
      }
    }
    return b.build();
  }

  private record Started(Operation op, Held held) {}

  /** The writer of a claimed record, and the renewal of its lease. */
  public record Held(RecordKeeper records, Leases.Renewal renewal) {
    /** Stops renewing the lease. */
    public void release() {
      renewal.stop();
    }
  }

  /**
   * Starts renewing this engine's lease on a record it has just claimed, at once: the renewal must
   * not wait for the writes that come before the run.
   */
  public Held hold(Cluster claimed) {
    RecordKeeper records = new RecordKeeper(ctx, claimed);
    return new Held(records, leases.keepRenewed(records));
  }

  /**
   * Runs (or resumes) an operation whose records say it is under way and whose record {@code held}
   * holds, then stops renewing the lease, records its end and releases the claim.
   *
   * @param journal what the journal says of the steps (a first run: nothing)
   */
  public CompletableFuture<Operation> run(
      Prepared p,
      Operation op,
      Held held,
      Instant deadline,
      JournalState journal,
      CompletableFuture<Void> mine) {
    RecordKeeper records = held.records();
    Duration left = Duration.between(ctx.clock().instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      left = Duration.ofMillis(1);
    }
    Duration timeout = left;
    OperationRunner runner = new OperationRunner(ctx, op.plan(), op.id(), records, journal);
    CompletableFuture<Operation> end = new CompletableFuture<>();
    EngineMeters.OperationRun observed =
        ctx.meters().operationStarted(op.type(), journal != JournalState.FIRST_RUN);
    Running me = new Running(runner, end);
    running.put(op.clusterId(), me);
    starting
        .end(op.id())
        .ifPresent(
            w -> {
              runner.cancel(w.why());
              end.whenComplete(
                  (o, e) -> {
                    if (e != null) {
                      w.end().completeExceptionally(e);
                    } else {
                      w.end().complete(o);
                    }
                  });
            });
    Futures.call(() -> runner.run(timeout))
        .thenComposeAsync(result -> finish(p, op, records, result, held::release), ctx.executor())
        .whenComplete(
            (o, e) -> {
              running.remove(op.clusterId(), me);
              observed.end(e);
              held.release();
              claims.release(op.clusterId(), mine);
              if (e != null) {
                end.completeExceptionally(e);
              } else {
                end.complete(o);
              }
            });
    return end;
  }

  /**
   * Cancels the operation this engine runs on a cluster (docs/design.md §7.8).
   *
   * @return the future of the operation's end, or empty when this engine runs none on the cluster
   *     and is not starting {@code operationId}
   */
  public Optional<CompletableFuture<Operation>> cancel(
      String clusterId, String operationId, String why) {
    Running r = running.get(clusterId);
    if (r == null) {
      Optional<CompletableFuture<Operation>> waiting = starting.cancel(operationId, why);
      if (waiting.isPresent()) {
        return waiting;
      }
      // it may have begun to run since it was looked for
      r = running.get(clusterId);
      if (r == null) {
        return Optional.empty();
      }
    }
    r.runner().cancel(why);
    return Optional.of(r.end());
  }

  /**
   * Completes the end of an operation that was recorded while its cluster's was not (its engine
   * died between the two writes): the cluster record is finished as the operation ended. Fails as
   * {@link #finish} does when the operation did not succeed.
   */
  public CompletableFuture<Operation> finishRecorded(Cluster c, Operation op) {
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
  public CompletableFuture<Operation> finish(
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
        b.putNode(n.withState(n.state().moveTo(handler.leavingStateAfterRefusal(done))));
      }
    }
    return records
        .update(x -> b)
        .handle(
            (ended, e) -> {
              if (e != null) {
                throw endNotRecorded(done, e);
              }
              emitState(ended, done.id(), done.type(), from, to);
              emit(
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

  /** Reports a change of a cluster's state. */
  public void emitState(
      Cluster c, String opId, OperationType type, ClusterState from, ClusterState to) {
    emit(
        LifecycleEvent.builder(EventType.STATE_CHANGED)
            .cluster(c.id())
            .operation(opId, type)
            .transition(from, to));
  }

  /** Reports an event to the engine's listeners. */
  public void emit(LifecycleEvent.Builder e) {
    ctx.events().emit(e);
  }
}
