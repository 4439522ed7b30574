package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * The one writer of a cluster's record while an operation runs. Changes are applied in the order
 * they are asked for and written with compare-and-set; changes asked for while a write is under way
 * are grouped into the next write, so that a thousand nodes created at once cost a handful of
 * writes, not a thousand. Each caller's future completes once a write holding its change is
 * durable.
 */
public final class RecordKeeper {
  private record Pending(
      UnaryOperator<Cluster.Builder> change,
      BooleanSupplier wanted,
      CompletableFuture<Cluster> done) {}

  private final java.util.function.Function<Cluster, CompletableFuture<Cluster>> put;
  private final Clock clock;
  private final List<Pending> pending = new ArrayList<>();
  private Cluster current;
  private boolean writing;

  public RecordKeeper(EngineContext ctx, Cluster stored) {
    this(
        c ->
            ctx.retrying(() -> ctx.store().put(c))
                .exceptionallyCompose(e -> landedAnyway(ctx, c, e)),
        ctx.clock(),
        stored);
  }

  /**
   * A retried compare-and-set whose first attempt did land (only its reply was lost) fails with a
   * version conflict against itself: when the stored record is exactly the one written, the write
   * succeeded.
   */
  public static CompletableFuture<Cluster> landedAnyway(
      EngineContext ctx, Cluster written, Throwable error) {
    Throwable cause = Failures.cause(error);
    if (!(cause instanceof io.clusterlifecycle.api.spi.VersionConflictException)) {
      return CompletableFuture.failedFuture(cause);
    }
    return ctx.retrying(() -> ctx.store().get(written.id()))
        .thenCompose(
            stored -> {
              if (stored.isPresent()
                  && stored.get().version() == written.version() + 1
                  && stored.get().toBuilder().version(written.version()).build().equals(written)) {
                return CompletableFuture.completedFuture(stored.get());
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  RecordKeeper(
      java.util.function.Function<Cluster, CompletableFuture<Cluster>> put,
      Clock clock,
      Cluster stored) {
    this.put = put;
    this.clock = clock;
    this.current = stored;
  }

  /** The record as last written. */
  public synchronized Cluster current() {
    return current;
  }

  /**
   * Completes once every change made so far has been written (or failed), without writing anything
   * itself.
   */
  public CompletableFuture<Void> settled() {
    synchronized (this) {
      if (!writing) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      settledWaiters.add(done);
      return done;
    }
  }

  private final List<CompletableFuture<Void>> settledWaiters = new ArrayList<>();

  /** Applies a change to the record and writes it; completes with the record written. */
  public CompletableFuture<Cluster> update(UnaryOperator<Cluster.Builder> change) {
    return update(change, () -> true);
  }

  /**
   * Applies a change to the record and writes it, unless {@code wanted} says no when its write is
   * about to be made: then the change is dropped and completes with the record as it is, and a
   * write holding only dropped changes is not made. A caller that stops wanting its change (a lease
   * renewal once the operation's end is being written) thus never bumps the record's version.
   */
  public CompletableFuture<Cluster> update(
      UnaryOperator<Cluster.Builder> change, BooleanSupplier wanted) {
    CompletableFuture<Cluster> done = new CompletableFuture<>();
    boolean start;
    synchronized (this) {
      pending.add(new Pending(change, wanted, done));
      start = !writing;
      writing = true;
    }
    if (start) {
      flush();
    }
    return done;
  }

  private void flush() {
    List<Pending> batch = new ArrayList<>();
    List<Pending> dropped = new ArrayList<>();
    Cluster unchanged;
    Cluster next = null;
    List<CompletableFuture<Void>> woken = List.of();
    synchronized (this) {
      for (Pending p : pending) {
        (p.wanted().getAsBoolean() ? batch : dropped).add(p);
      }
      pending.clear();
      unchanged = current;
      if (batch.isEmpty()) {
        writing = false;
        woken = new ArrayList<>(settledWaiters);
        settledWaiters.clear();
      } else {
        Cluster.Builder b = current.toBuilder();
        for (Pending p : batch) {
          b = p.change().apply(b);
        }
        next = b.updatedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS)).build();
      }
    }
    dropped.forEach(p -> p.done().complete(unchanged));
    if (next == null) {
      woken.forEach(w -> w.complete(null));
      return;
    }
    put.apply(next)
        .whenComplete(
            (stored, error) -> {
              boolean more;
              List<CompletableFuture<Void>> settledNow = List.of();
              synchronized (this) {
                if (error == null) {
                  current = stored;
                }
                more = !pending.isEmpty();
                writing = more;
                if (!more && !settledWaiters.isEmpty()) {
                  settledNow = new ArrayList<>(settledWaiters);
                  settledWaiters.clear();
                }
              }
              for (Pending p : batch) {
                if (error == null) {
                  p.done().complete(stored);
                } else {
                  p.done().completeExceptionally(error);
                }
              }
              settledNow.forEach(w -> w.complete(null));
              if (more) {
                flush();
              }
            });
  }
}
