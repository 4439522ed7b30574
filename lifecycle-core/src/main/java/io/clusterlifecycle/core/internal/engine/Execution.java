package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
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
  private final Ending ending;
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
    this.ending = new Ending(ctx, store, leases, registry);
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
        .thenComposeAsync(
            result -> ending.finish(p, op, records, result, held::release), ctx.executor())
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
   * {@link Ending#finish} does when the operation did not succeed.
   */
  public CompletableFuture<Operation> finishRecorded(Cluster c, Operation op) {
    return ending.finishRecorded(c, op);
  }

  /** Reports a change of a cluster's state. */
  public void emitState(
      Cluster c, String opId, OperationType type, ClusterState from, ClusterState to) {
    Ending.emitState(ctx, c, opId, type, from, to);
  }

  /** Reports an event to the engine's listeners. */
  public void emit(LifecycleEvent.Builder e) {
    ctx.events().emit(e);
  }
}
