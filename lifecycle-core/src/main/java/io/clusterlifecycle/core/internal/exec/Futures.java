package io.clusterlifecycle.core.internal.exec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
}
