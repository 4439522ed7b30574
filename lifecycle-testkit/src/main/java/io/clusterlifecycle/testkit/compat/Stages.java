package io.clusterlifecycle.testkit.compat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Bounded waits on the stages an SPI returns, with failures that name the call. */
final class Stages {
  /** How long any one call may take before the kits fail it. */
  static final long WAIT_SECONDS = 30;

  private Stages() {}

  /**
   * Waits for a call's stage to complete normally.
   *
   * @param call what was called, for the failure message
   * @param stage the stage it returned
   * @return its value
   * @throws AssertionError if the stage is null, fails or does not complete in time
   */
  static <T> T await(String call, CompletionStage<T> stage) {
    return await(call, stage, WAIT_SECONDS, call + " did not complete in " + WAIT_SECONDS + " s");
  }

  /**
   * Waits for a call's stage to complete normally within a bound of the caller's choosing.
   *
   * @param call what was called, for the failure message
   * @param stage the stage it returned
   * @param seconds how long to wait
   * @param late the failure message when the stage is not complete in time; names the contract
   * @return its value
   * @throws AssertionError if the stage is null, fails or does not complete in time
   */
  static <T> T await(String call, CompletionStage<T> stage, long seconds, String late) {
    try {
      return future(call, stage).get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      throw new AssertionError(
          call + " failed where the contract says it succeeds: " + cause, cause);
    } catch (TimeoutException e) {
      throw new AssertionError(late, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + call, e);
    }
  }

  /**
   * Calls a method that should refuse its input by failing its stage, and waits for the failure.
   *
   * @param call what is called, for the failure message
   * @param method calls it
   * @return the error the stage failed with, without {@link CompletionException} wrappers
   * @throws AssertionError if the method throws instead, returns null, completes normally or does
   *     not complete in time
   */
  static Throwable failure(String call, Supplier<? extends CompletionStage<?>> method) {
    CompletionStage<?> stage;
    try {
      stage = method.get();
    } catch (RuntimeException e) {
      throw new AssertionError(
          call
              + " threw "
              + e
              + " instead of returning a failed stage: SPI "
              + "methods report every failure through their CompletionStage",
          e);
    }
    try {
      Object value = future(call, stage).get(WAIT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError(
          call
              + " completed normally (with "
              + shorten(value)
              + ") where the contract says its stage fails");
    } catch (ExecutionException e) {
      return unwrap(e);
    } catch (TimeoutException e) {
      throw new AssertionError(call + " did not complete in " + WAIT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + call, e);
    }
  }

  /**
   * What a call's stage ended with: a value or an error.
   *
   * @param value the value, when the stage completed normally
   * @param error the error without {@link CompletionException} wrappers, or null
   */
  record Outcome<T>(T value, Throwable error) {}

  /**
   * Calls a method and waits for its stage, whichever way it ends.
   *
   * @param call what is called, for the failure message
   * @param method calls it
   * @return the value or the error
   * @throws AssertionError if the method throws instead of returning a stage, returns null, or its
   *     stage does not complete in time
   */
  static <T> Outcome<T> outcome(String call, Supplier<? extends CompletionStage<T>> method) {
    CompletionStage<T> stage;
    try {
      stage = method.get();
    } catch (RuntimeException e) {
      throw new AssertionError(
          call
              + " threw "
              + e
              + " instead of returning a stage: SPI "
              + "methods report every failure through their CompletionStage",
          e);
    }
    try {
      return new Outcome<>(future(call, stage).get(WAIT_SECONDS, TimeUnit.SECONDS), null);
    } catch (ExecutionException e) {
      return new Outcome<>(null, unwrap(e));
    } catch (TimeoutException e) {
      throw new AssertionError(call + " did not complete in " + WAIT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + call, e);
    }
  }

  /** A future that follows the stage, without relying on {@code toCompletableFuture}. */
  private static <T> CompletableFuture<T> future(String call, CompletionStage<T> stage) {
    if (stage == null) {
      throw new AssertionError(call + " returned null instead of a CompletionStage");
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    stage.whenComplete(
        (value, error) -> {
          if (error != null) {
            f.completeExceptionally(error);
          } else {
            f.complete(value);
          }
        });
    return f;
  }

  private static String shorten(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  private static Throwable unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
