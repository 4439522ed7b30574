package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Polls an asynchronous probe with exponential back-off on a scheduler, without holding a thread
 * between probes, until it reports a result, fails, or the deadline passes. A transient failure of
 * a probe (a 5xx, a lost connection) is polled through; the deadline still applies.
 */
final class Poller {
  /** What one probe saw: a result, or the state it is still waiting in (for the timeout). */
  record Poll<T>(Optional<T> result, String state) {
    static <T> Poll<T> done(T value) {
      return new Poll<>(Optional.of(value), "done");
    }

    static <T> Poll<T> waiting(String state) {
      return new Poll<>(Optional.empty(), state);
    }
  }

  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Duration first;
  private final Duration max;

  Poller(ScheduledExecutorService scheduler, Clock clock, Duration first, Duration max) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.first = first;
    this.max = max;
  }

  /**
   * Polls until the probe reports a result.
   *
   * @param what what is awaited, for the timeout's message (e.g. "server x to become ACTIVE")
   * @param timeout how long to poll at most
   * @param probe the check; it completes with a result or the state it saw
   */
  <T> CompletableFuture<T> until(
      String what, Duration timeout, Supplier<CompletableFuture<Poll<T>>> probe) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Instant deadline = clock.instant().plus(timeout);
    attempt(what, timeout, deadline, probe, first, "not yet checked", result);
    return result;
  }

  private <T> void attempt(
      String what,
      Duration timeout,
      Instant deadline,
      Supplier<CompletableFuture<Poll<T>>> probe,
      Duration delay,
      String lastState,
      CompletableFuture<T> result) {
    CompletableFuture<Poll<T>> p;
    try {
      p = probe.get();
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    p.whenComplete(
        (poll, error) -> {
          String state = lastState;
          if (error != null) {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (!(cause instanceof TransientSpiException)) {
              result.completeExceptionally(cause);
              return;
            }
            state = lastState + " (then: " + cause.getMessage() + ")";
          } else if (poll.result().isPresent()) {
            result.complete(poll.result().get());
            return;
          } else {
            state = poll.state();
          }
          if (!clock.instant().plus(delay).isBefore(deadline)) {
            result.completeExceptionally(
                new LifecycleTimeoutException(
                    "timed out after "
                        + timeout
                        + " waiting for "
                        + what
                        + "; last seen: "
                        + state));
            return;
          }
          Duration next = delay.multipliedBy(2).compareTo(max) > 0 ? max : delay.multipliedBy(2);
          String seen = state;
          try {
            var unused =
                scheduler.schedule(
                    () -> attempt(what, timeout, deadline, probe, next, seen, result),
                    delay.toMillis(),
                    TimeUnit.MILLISECONDS);
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
  }
}
