package io.clusterlifecycle.core.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.spi.TransientSpiException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's retry of SPI calls: the first attempt is made without the retry's machinery, and a
 * failed first attempt still counts as the retry's first, with the configured back-off after it.
 */
class EngineContextRetryTest {
  private static final Duration BACKOFF = Duration.ofMillis(80);

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final EngineContext ctx =
      new EngineContext(
          null,
          null,
          null,
          null,
          null,
          null,
          scheduler,
          Runnable::run,
          Clock.systemUTC(),
          null,
          Duration.ZERO,
          Retry.of(
              "test",
              RetryConfig.<Object>custom()
                  .maxAttempts(3)
                  .intervalFunction(IntervalFunction.of(BACKOFF))
                  .retryOnException(Failures::isTransient)
                  .build()),
          null,
          null,
          Map.of(),
          null,
          null,
          Optional.empty(),
          io.clusterlifecycle.core.internal.metrics.EngineMeters.of(null, null));

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** Records when each attempt was made and answers from a script of outcomes. */
  private static final class Calls implements Supplier<CompletionStage<String>> {
    final List<Long> at = new ArrayList<>();
    private final List<RuntimeException> failures;

    Calls(RuntimeException... failures) {
      this.failures = new ArrayList<>(List.of(failures));
    }

    @Override
    public synchronized CompletionStage<String> get() {
      at.add(System.nanoTime());
      if (failures.isEmpty()) {
        return CompletableFuture.completedFuture("ok " + at.size());
      }
      return CompletableFuture.failedFuture(failures.remove(0));
    }
  }

  @Test
  void aCallThatSucceeds_isMadeOnce_andItsFutureIsDoneAtOnce() {
    Calls calls = new Calls();
    CompletableFuture<String> f = ctx.retrying(calls);
    assertThat(f).isCompletedWithValue("ok 1");
    assertThat(calls.at).hasSize(1);
  }

  @Test
  void aTransientFailure_isTriedAgainAfterTheConfiguredBackOff() {
    Calls calls =
        new Calls(new TransientSpiException("busy", null), new TransientSpiException("busy", null));
    assertThat(ctx.retrying(calls).orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo("ok 3");
    assertThat(calls.at).hasSize(3);
    for (int i = 1; i < 3; i++) {
      assertThat(calls.at.get(i) - calls.at.get(i - 1))
          .as("back-off before attempt %d", i + 1)
          .isGreaterThanOrEqualTo(BACKOFF.toNanos() - TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  @Test
  void transientFailures_stopAfterTheConfiguredAttempts_withTheLastFailure() {
    Calls calls =
        new Calls(
            new TransientSpiException("busy 1", null),
            new TransientSpiException("busy 2", null),
            new TransientSpiException("busy 3", null),
            new TransientSpiException("busy 4", null));
    assertThatThrownBy(() -> ctx.retrying(calls).orTimeout(5, TimeUnit.SECONDS).join())
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("busy 3");
    assertThat(calls.at).hasSize(3);
  }

  @Test
  void aFailureThatIsNotTransient_isNotTriedAgain() {
    Calls calls = new Calls(new IllegalStateException("broken"));
    assertThatThrownBy(() -> ctx.retrying(calls).orTimeout(5, TimeUnit.SECONDS).join())
        .hasRootCauseMessage("broken");
    assertThat(calls.at).hasSize(1);
  }

  @Test
  void aCallThatThrows_failsItsFuture_insteadOfTheCaller() {
    CompletableFuture<String> f =
        ctx.retrying(
            () -> {
              throw new IllegalArgumentException("bad request");
            });
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).hasRootCauseMessage("bad request");
  }
}
