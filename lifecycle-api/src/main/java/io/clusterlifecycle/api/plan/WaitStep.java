package io.clusterlifecycle.api.plan;

import java.time.Duration;
import java.util.Objects;

/**
 * Waits between two batches of a rolling action (docs/design.md §6.8). A wait holds no slot of the
 * engine's in-flight limit.
 *
 * @param id the step id
 * @param duration how long to wait
 */
public record WaitStep(String id, Duration duration) implements Step {

  /**
   * Checks the fields.
   *
   * @param id the step id
   * @param duration how long to wait
   */
  public WaitStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a wait cannot be negative, was " + duration);
    }
  }

  @Override
  public String describe() {
    return "wait " + duration.toMillis() + " ms";
  }
}
