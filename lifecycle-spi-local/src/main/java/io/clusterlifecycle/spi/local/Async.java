package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.LifecycleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Runs blocking file work on an executor and turns its failures into a failed future. */
final class Async {
  private Async() {}

  @FunctionalInterface
  interface IoCallable<T> {
    T call() throws IOException;
  }

  static <T> CompletableFuture<T> supply(Executor executor, String what, IoCallable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(work.call());
            } catch (IOException | UncheckedIOException e) {
              result.completeExceptionally(
                  new LifecycleException("cannot " + what + ": " + e.getMessage(), e));
            } catch (RuntimeException | Error e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new IllegalStateException("cannot " + what + ": the executor is closed", e));
    }
    return result;
  }
}
