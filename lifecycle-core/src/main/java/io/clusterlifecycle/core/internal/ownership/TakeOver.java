package io.clusterlifecycle.core.internal.ownership;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds operations whose engine's lease lapsed and recovers them here: once when the engine starts,
 * or in a scan every interval. The scheduler only times the scans; each scan runs on the executor.
 * Thread-safe.
 */
public final class TakeOver {
  private static final Logger LOG = LoggerFactory.getLogger(TakeOver.class);

  /** How a cluster is recovered: by id, with a timeout, if its record still passes a check. */
  @FunctionalInterface
  public interface Recoverer {
    /** Recovers the cluster; completes with its record afterwards. */
    CompletableFuture<Cluster> recover(
        String clusterId, Duration timeout, Predicate<Cluster> still);
  }

  private final EngineContext ctx;
  private final Leases leases;
  private final Claims claims;
  private final Recoverer recoverer;
  private final Duration timeout;
  private final BooleanSupplier closed;
  private final Set<String> takingOver = ConcurrentHashMap.newKeySet();

  public TakeOver(
      EngineContext ctx,
      Leases leases,
      Claims claims,
      Recoverer recoverer,
      Duration timeout,
      BooleanSupplier closed) {
    this.ctx = ctx;
    this.leases = leases;
    this.claims = claims;
    this.recoverer = recoverer;
    this.timeout = timeout;
    this.closed = closed;
  }

  /**
   * Starts recovering, in the background, every interrupted operation among {@code clusters}.
   *
   * @return the recoveries' futures by cluster id
   */
  public Map<String, CompletableFuture<Cluster>> resume(List<Cluster> clusters) {
    Map<String, CompletableFuture<Cluster>> started = new LinkedHashMap<>();
    for (Cluster c : clusters) {
      if (leases.isInterrupted(c)) {
        // each on the engine's executor: the builder returns at once, and recoveries overlap
        started.put(
            c.id(),
            CompletableFuture.supplyAsync(
                    () -> recoverer.recover(c.id(), timeout, x -> true), ctx.executor())
                .thenCompose(f -> f)
                .whenComplete((r, f) -> ctx.meters().tookOver(f == null ? "ok" : "failed")));
      }
    }
    return Map.copyOf(started);
  }

  /**
   * Scans every {@code every} until the returned handle is cancelled.
   *
   * @return the handle of the scans
   */
  public ScheduledFuture<?> scanEvery(Duration every) {
    long ms = every.toMillis();
    return ctx.scheduler()
        .scheduleWithFixedDelay(
            () -> {
              try {
                ctx.executor().execute(this::scan);
              } catch (RejectedExecutionException e) {
                LOG.debug("executor refused a scan for interrupted operations: {}", e.toString());
              }
            },
            ms,
            ms,
            TimeUnit.MILLISECONDS);
  }

  /** One scan; never throws. */
  void scan() {
    if (closed.getAsBoolean()) {
      return;
    }
    CompletableFuture<List<Cluster>> listed;
    try {
      listed = ctx.store().busy().toCompletableFuture();
    } catch (RuntimeException e) {
      listed = CompletableFuture.failedFuture(e);
    }
    listed.whenCompleteAsync(
        (clusters, e) -> {
          if (e != null) {
            LOG.warn(
                "could not look for interrupted operations to take over: {}", Failures.describe(e));
            return;
          }
          clusters.forEach(this::takeOver);
        },
        ctx.executor());
  }

  private void takeOver(Cluster c) {
    if (closed.getAsBoolean()
        || !leases.isInterrupted(c)
        || claims.isClaimed(c.id())
        || !takingOver.add(c.id())) {
      return;
    }
    LOG.info(
        "taking over operation {} on cluster {} from engine {}",
        c.operation().orElse(""),
        c.name(),
        c.lease().map(Lease::owner).orElse("(none)"));
    // another replica may have finished or failed it meanwhile: only while it is still the
    // same interrupted operation
    CompletableFuture<Cluster> recovery;
    try {
      recovery =
          recoverer.recover(
              c.id(),
              timeout,
              fresh -> leases.isInterrupted(fresh) && fresh.operation().equals(c.operation()));
    } catch (RuntimeException e) {
      recovery = CompletableFuture.failedFuture(e);
    }
    recovery.whenComplete(
        (r, f) -> {
          takingOver.remove(c.id());
          ctx.meters().tookOver(f == null ? "ok" : "failed");
          if (f != null) {
            LOG.warn(
                "taking over operation {} on cluster {} failed: {}",
                c.operation().orElse(""),
                c.name(),
                Failures.describe(f));
          }
        });
  }
}
