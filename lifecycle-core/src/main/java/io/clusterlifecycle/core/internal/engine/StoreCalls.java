package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.RecordKeeper;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The engine's reads and writes of cluster records, each retried and none blocking. */
public final class StoreCalls {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreCalls.class);
  private final EngineContext ctx;

  public StoreCalls(EngineContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Runs a store call, retrying transient failures; a failure that is not a {@link
   * LifecycleException} is reported as one.
   */
  public <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
    return ctx.retrying(call)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(storeFailure(e)));
  }

  /** A store's failure as the engine reports it. */
  public static LifecycleException storeFailure(Throwable e) {
    Throwable cause = Failures.cause(e);
    return cause instanceof LifecycleException le
        ? le
        : new LifecycleException("store failed: " + cause, cause);
  }

  /**
   * Finds a cluster by id, or else by name: the live cluster of that name, or the newest.
   *
   * @return the future of the record; fails with {@link NotFoundException} when there is none, or
   *     {@link ValidationException} when the name is live in several namespaces
   */
  public CompletableFuture<Cluster> resolve(String ref) {
    Objects.requireNonNull(ref, "cluster");
    return call(() -> ctx.store().get(ref))
        .thenCompose(
            byId ->
                byId.isPresent()
                    ? CompletableFuture.completedFuture(byId.get())
                    : call(() -> ctx.store().named(ref)).thenApply(named -> byName(named, ref)));
  }

  private static Cluster byName(List<Cluster> named, String ref) {
    List<Cluster> live = named.stream().filter(c -> c.state() != ClusterState.DONE).toList();
    if (live.size() > 1) {
      throw new ValidationException(
          "cluster reference",
          List.of(
              ValidationProblem.of(
                  "cluster",
                  "name '"
                      + ref
                      + "' is used in several namespaces ("
                      + live.stream()
                          .map(c -> c.namespace() + ": " + c.id())
                          .collect(Collectors.joining(", "))
                      + "); give the cluster id")));
    }
    if (live.size() == 1) {
      return live.get(0);
    }
    return named.stream()
        .max(Comparator.comparing(Cluster::createdAt))
        .orElseThrow(() -> new NotFoundException("no cluster with id or name '" + ref + "'"));
  }

  /**
   * Stores a cluster record; a retry that conflicts only with its own first attempt (which landed,
   * its reply lost) counts as stored.
   */
  public CompletableFuture<Cluster> put(Cluster c) {
    return ctx.retrying(() -> ctx.store().put(c))
        .exceptionallyCompose(e -> RecordKeeper.landedAnyway(ctx, c, e))
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(storeFailure(e)));
  }

  /**
   * Stores a cluster record and an operation record in one write of the store (docs/design.md
   * §9.5): the claim of a cluster by an operation and the operation's new state land together. A
   * retry that conflicts only with its own first attempt counts as stored, and then writes the
   * operation again, since a store without transactions may have stored the cluster alone; the
   * cluster is claimed whether or not that write succeeds (the operation's record is written again
   * when it ends, and recovery resumes an operation whose record lags behind its cluster's).
   */
  public CompletableFuture<Cluster> claim(Cluster c, Operation op) {
    return ctx.retrying(() -> ctx.store().write(StoreBatch.of(c, op)))
        .thenApply(java.util.Optional::orElseThrow)
        .exceptionallyCompose(
            e ->
                RecordKeeper.landedAnyway(ctx, c, e)
                    .thenCompose(
                        stored ->
                            ctx.retrying(() -> ctx.store().putOperation(op))
                                .handle(
                                    (v, lagging) -> {
                                      if (lagging != null) {
                                        LOG.warn(
                                            "cluster {} is claimed by operation {}, whose record"
                                                + " could not be written again: {}",
                                            c.id(),
                                            op.id(),
                                            Failures.describe(lagging));
                                      }
                                      return stored;
                                    })))
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(storeFailure(e)));
  }
}
