package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.ClusterRequest;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.Futures;
import io.clusterlifecycle.core.internal.exec.Ids;
import io.clusterlifecycle.core.internal.ops.ClusterOperation;
import io.clusterlifecycle.core.internal.ops.DryRunFiles;
import io.clusterlifecycle.core.internal.ops.Estimates;
import io.clusterlifecycle.core.internal.ops.NewClusterOperation;
import io.clusterlifecycle.core.internal.ops.OperationHandler;
import io.clusterlifecycle.core.internal.ops.OperationRegistry;
import io.clusterlifecycle.core.internal.ops.Prepared;
import io.clusterlifecycle.core.internal.ownership.Claims;
import io.clusterlifecycle.core.internal.ownership.Leases;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Takes requests in: checks them, waits for the cluster to be free (of this engine's operations and
 * of other engines' recorded ones) and starts them. Waits use the scheduler only as a timer; what
 * follows runs on the executor. Never blocks a thread.
 */
public final class Submissions {
  /** How often a request waiting for another engine's operation looks at the record again. */
  static final Duration RECORD_POLL = Duration.ofMillis(200);

  private final EngineContext ctx;
  private final StoreCalls store;
  private final Leases leases;
  private final Claims claims;
  private final Execution execution;
  private final OperationRegistry registry;
  private final Set<String> creating = ConcurrentHashMap.newKeySet();

  public Submissions(
      EngineContext ctx,
      StoreCalls store,
      Leases leases,
      Claims claims,
      Execution execution,
      OperationRegistry registry) {
    this.ctx = ctx;
    this.store = store;
    this.leases = leases;
    this.claims = claims;
    this.execution = execution;
    this.registry = registry;
  }

  /** The plan a request would run, without changing anything. */
  public CompletableFuture<io.clusterlifecycle.api.plan.Plan> plan(OperationRequest request) {
    OperationHandler<?> handler = registry.forRequest(request);
    if (handler instanceof NewClusterOperation<?> n) {
      return n.prepareRequest(request, NewClusterOperation.NEW_ID, ctx)
          .thenCompose(p -> dryRun(Optional.empty(), p));
    }
    ClusterOperation<?> op = (ClusterOperation<?>) handler;
    return store
        .resolve(((ClusterRequest) request).cluster())
        .thenCompose(
            c -> op.prepareRequest(request, c, ctx).thenCompose(p -> dryRun(Optional.of(c), p)));
  }

  /** A prepared operation's plan with its resource estimate and rendered config files. */
  private CompletableFuture<io.clusterlifecycle.api.plan.Plan> dryRun(
      Optional<io.clusterlifecycle.api.model.Cluster> before, Prepared p) {
    CompletableFuture<java.util.List<io.clusterlifecycle.api.model.Cluster>> all =
        p.cluster().dependencies().isEmpty()
            ? CompletableFuture.completedFuture(java.util.List.of())
            : ctx.retrying(() -> ctx.store().list());
    return all.thenApply(
        records ->
            p.plan().withEstimate(Estimates.of(before, p)).withFiles(DryRunFiles.of(p, records)));
  }

  /** Checks a request, waits for its cluster and runs it. */
  public CompletableFuture<Operation> submit(OperationRequest request, Duration timeout) {
    Instant deadline = ctx.clock().instant().plus(timeout);
    OperationHandler<?> handler = registry.forRequest(request);
    if (handler instanceof NewClusterOperation<?> n) {
      return n.check(request, ctx).thenCompose(v -> submitNew(n, request, deadline));
    }
    ClusterOperation<?> op = (ClusterOperation<?>) handler;
    return store
        .resolve(((ClusterRequest) request).cluster())
        .thenCompose(
            c ->
                op.prepareRequest(request, c, ctx)
                    .thenCompose(
                        checked -> {
                          op.checkOnSubmit(request, c, claims.isClaimed(c.id()));
                          return submitExisting(request, op, c, deadline)
                              .exceptionallyCompose(
                                  e -> followUp(op, request, Failures.cause(e), c.id(), timeout));
                        }));
  }

  /**
   * Runs the request the operation asks for after its failure, then reports the failure (with the
   * follow-up's own failure, if any, suppressed in it).
   */
  private CompletableFuture<Operation> followUp(
      ClusterOperation<?> op,
      OperationRequest request,
      Throwable failure,
      String clusterId,
      Duration timeout) {
    Optional<OperationRequest> next = op.followUp(request, failure, clusterId, timeout);
    if (next.isEmpty()) {
      return CompletableFuture.failedFuture(failure);
    }
    return Futures.call(() -> submit(next.get(), next.get().timeout().orElse(timeout)))
        .handle(
            (o, e) -> {
              if (e != null) {
                failure.addSuppressed(Failures.cause(e));
              }
              throw new CompletionException(failure);
            });
  }

  private CompletableFuture<Operation> submitExisting(
      OperationRequest request, ClusterOperation<?> op, Cluster c, Instant deadline) {
    return claims
        .claim(c.id(), deadline)
        .thenCompose(
            mine ->
                startWhenIdle(request, op, c.id(), deadline, mine)
                    .whenComplete(
                        (o, e) -> {
                          if (e != null) {
                            claims.release(c.id(), mine);
                          }
                        }));
  }

  /** Creates a new cluster's record (create or restore) and starts its operation. */
  private CompletableFuture<Operation> submitNew(
      NewClusterOperation<?> op, OperationRequest request, Instant deadline) {
    String namespace = op.namespace(request);
    String name = op.name(request);
    String key = namespace + "/" + name;
    if (!creating.add(key)) {
      return CompletableFuture.failedFuture(
          new ConflictException(
              "cluster " + name + " is being created in namespace " + namespace, ""));
    }
    // the name stays reserved here until the new record is in the store for others to see
    CompletableFuture<Prepared> stored =
        store
            .call(() -> ctx.store().named(name))
            .thenCompose(
                namesakes -> {
                  namesakes.stream()
                      .filter(
                          c -> c.namespace().equals(namespace) && c.state() != ClusterState.DONE)
                      .findFirst()
                      .ifPresent(
                          c -> {
                            throw new ConflictException(
                                "a cluster named "
                                    + name
                                    + " already exists in"
                                    + " namespace "
                                    + namespace
                                    + " ("
                                    + c.id()
                                    + ", "
                                    + c.state()
                                    + ")",
                                c.operation().orElse(""));
                          });
                  return op.prepareRequest(request, name + "-" + Ids.hex(6), ctx);
                })
            .thenCompose(
                p ->
                    store
                        .put(p.cluster())
                        .thenApply(c -> new Prepared(c, p.plan(), p.added(), p.leaving())))
            .whenComplete((p, e) -> creating.remove(key));
    return stored.thenCompose(
        p -> {
          CompletableFuture<Void> mine = claims.claimNew(p.cluster().id());
          return execution
              .start(p, ClusterState.PENDING, deadline, mine)
              .whenComplete(
                  (o, e) -> {
                    if (e != null) {
                      claims.release(p.cluster().id(), mine);
                    }
                  });
        });
  }

  /**
   * Starts the request once the cluster is idle; when another engine sharing the store started an
   * operation in between (the compare-and-set lost), waits for that one and tries again.
   */
  private CompletableFuture<Operation> startWhenIdle(
      OperationRequest request,
      ClusterOperation<?> op,
      String clusterId,
      Instant deadline,
      CompletableFuture<Void> mine) {
    return whenRecordIdle(clusterId, deadline)
        .thenCompose(
            now ->
                op.prepareRequest(request, now, ctx)
                    .thenCompose(p -> execution.start(p, now.state(), deadline, mine)))
        .exceptionallyCompose(
            e ->
                !(Failures.cause(e) instanceof VersionConflictException)
                    ? CompletableFuture.failedFuture(Failures.cause(e))
                    : startWhenIdle(request, op, clusterId, deadline, mine));
  }

  /**
   * Completes with the cluster's record once no operation is recorded on it — one started by
   * another engine sharing the store — or fails with a conflict naming that operation at the
   * deadline.
   */
  private CompletableFuture<Cluster> whenRecordIdle(String clusterId, Instant deadline) {
    return store
        .resolve(clusterId)
        .thenCompose(
            c -> {
              if (c.operation().isEmpty()) {
                return CompletableFuture.completedFuture(c);
              }
              if (leases.isOwnOrLapsed(c)) {
                return CompletableFuture.failedFuture(
                    new ConflictException(
                        "cluster "
                            + c.name()
                            + " has an interrupted operation "
                            + c.operation().orElse("")
                            + " ("
                            + c.state()
                            + ") whose"
                            + " engine is gone; run recover on the cluster to finish it",
                        c.operation().orElse("")));
              }
              Instant now = ctx.clock().instant();
              if (!now.isBefore(deadline)) {
                return CompletableFuture.failedFuture(
                    new ConflictException(
                        "cluster "
                            + c.name()
                            + " is busy with operation "
                            + c.operation().orElse("")
                            + " ("
                            + c.state()
                            + "), which did"
                            + " not finish within this request's timeout; try again later, or recover the"
                            + " cluster if that operation's engine is gone",
                        c.operation().orElse("")));
              }
              long pollMs =
                  Math.min(
                      RECORD_POLL.toMillis(),
                      Math.max(1, Duration.between(now, deadline).toMillis()));
              return ctx.after(Duration.ofMillis(pollMs))
                  .thenCompose(v -> whenRecordIdle(clusterId, deadline));
            });
  }
}
