package io.clusterlifecycle.api.plan;

import java.util.List;
import java.util.Objects;

/**
 * A set of steps that run in parallel; a stage starts only after the previous one finished.
 *
 * @param name what the stage does, for example {@code start (order 1)}
 * @param onFailure what a failed step of this stage does to the operation
 * @param always true for a "finally" stage, which runs whether earlier stages failed or not
 * @param steps the steps, in a deterministic order
 */
public record Stage(String name, FailurePolicy onFailure, boolean always, List<Step> steps) {

  /** What a failed step does to its operation. */
  public enum FailurePolicy {
    /** The stage fails after the steps in flight finish; the operation fails. */
    FAIL,
    /**
     * A guard or pre-check: the operation is refused — nothing further runs but finally stages,
     * and the cluster returns to the state it was in.
     */
    REFUSE,
    /** A forced operation: the failure is recorded as a warning and the operation goes on. */
    WARN
  }

  /**
   * Checks for nulls and copies the steps.
   *
   * @param name the stage name
   * @param onFailure the failure policy
   * @param always whether it runs after a failure
   * @param steps the steps; copied
   */
  public Stage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(onFailure, "onFailure");
    steps = List.copyOf(steps);
  }
}
