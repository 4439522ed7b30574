package io.clusterlifecycle.samples.platform.operation;

import java.time.Duration;

/**
 * How a request runs its operation, from the {@code async} and {@code timeoutSec} query parameters.
 *
 * @param async answer 202 with an operation id at once instead of waiting for the end
 * @param timeoutSec the operation's deadline in seconds from now: 0 for {@link #DEFAULT_TIMEOUT},
 *     negative for a deadline already passed (the request times out without starting anything)
 */
public record OperationOptions(boolean async, long timeoutSec) {

  /** The deadline {@code timeoutSec=0} stands for, as in the release manager. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Whether the deadline has passed before anything started.
   *
   * @return true for a negative {@code timeoutSec}
   */
  public boolean expired() {
    return timeoutSec < 0;
  }

  /**
   * The operation's timeout.
   *
   * @return {@link #DEFAULT_TIMEOUT} for 0, {@code timeoutSec} seconds otherwise
   * @throws IllegalStateException if the deadline has {@link #expired()}
   */
  public Duration timeout() {
    if (expired()) {
      throw new IllegalStateException("the deadline has passed");
    }
    return timeoutSec == 0 ? DEFAULT_TIMEOUT : Duration.ofSeconds(timeoutSec);
  }
}
