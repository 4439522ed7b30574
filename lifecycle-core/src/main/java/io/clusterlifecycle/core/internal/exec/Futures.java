package io.clusterlifecycle.core.internal.exec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/** Helpers for composing futures without blocking. */
public final class Futures {
  private Futures() {}

  /** Runs a call that returns a future, turning an exception it throws into a failed future. */
  public static <T> CompletableFuture<T> call(Supplier<? extends CompletionStage<T>> call) {
    try {
      return call.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Runs a task on the executor, or here when the executor refuses it (it was shut down as the
   * engine closed), so that what the task completes is never left pending.
   */
  public static void runOn(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException refused) {
      task.run();
    }
  }
}
