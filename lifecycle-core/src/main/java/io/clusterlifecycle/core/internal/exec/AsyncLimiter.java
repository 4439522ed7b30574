package io.clusterlifecycle.core.internal.exec;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Bounds how many steps are in flight across the engine, without blocking a thread: a waiter gets a
 * future that completes, first come first served, when a permit is free. Waiters are completed on
 * the executor so that long chains of instantly-finishing steps do not grow the stack.
 */
public final class AsyncLimiter {
  private final int permits;
  private final Executor executor;
  private final Queue<CompletableFuture<Void>> waiters = new ArrayDeque<>();
  private int inUse;

  /**
   * @param permits most steps in flight, {@code >= 1}
   * @param executor where waiting continuations resume
   */
  public AsyncLimiter(int permits, Executor executor) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be >= 1");
    }
    this.permits = permits;
    this.executor = executor;
  }

  /** Completes when the caller holds a permit; the caller must {@link #release()} it. */
  public CompletableFuture<Void> acquire() {
    synchronized (this) {
      if (inUse < permits && waiters.isEmpty()) {
        inUse++;
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      waiters.add(waiter);
      return waiter;
    }
  }

  /** Returns a permit, handing it to the longest waiter if there is one. */
  public void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      next = waiters.poll();
      if (next == null) {
        inUse--;
        return;
      }
    }
    next.completeAsync(() -> null, executor);
  }

  /** Permits in use now, for tests and metrics. */
  public synchronized int inUse() {
    return inUse;
  }
}
