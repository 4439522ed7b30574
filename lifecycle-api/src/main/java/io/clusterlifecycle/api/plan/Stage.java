package io.clusterlifecycle.api.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A set of steps that run in parallel; a stage starts only after the previous one finished. Build
 * one with {@link #builder(String)}.
 *
 * @param name what the stage does, for example {@code start (order 1)}
 * @param onFailure what a failed step of this stage does to the operation
 * @param always true for a "finally" stage, which runs whether earlier stages failed or not
 * @param steps the steps, in a deterministic order
 * @param kind why the stage is in the plan: planned with the operation, or added by a recovery
 */
public record Stage(
    String name, FailurePolicy onFailure, boolean always, List<Step> steps, Kind kind) {

  /** What a failed step does to its operation. */
  public enum FailurePolicy {
    /** The stage fails after the steps in flight finish; the operation fails. */
    FAIL,
    /**
     * A guard or pre-check: the operation is refused — nothing further runs but finally stages, and
     * the cluster returns to the state it was in.
     */
    REFUSE,
    /** A forced operation: the failure is recorded as a warning and the operation goes on. */
    WARN
  }

  /** Why a stage is in its plan. */
  public enum Kind {
    /** Planned with the operation when it was requested. */
    PLANNED,
    /** Added in front of an interrupted or failed operation's plan by a recovery. */
    RECOVERY,
    /**
     * Planned with the operation, but run only when one of its start, resize or image steps gave a
     * node a new address (a recreated pod, say): the stages that republish {@code /hosts} and
     * reload the cluster (docs/design.md §5.7). A resumed operation runs them whatever happened.
     */
    IF_ADDRESSES_CHANGED
  }

  /**
   * Checks for nulls, copies the steps, and reads a missing kind (a plan stored before stages had
   * one) as {@link Kind#PLANNED}.
   *
   * @param name the stage name
   * @param onFailure the failure policy
   * @param always whether it runs after a failure
   * @param steps the steps; copied
   * @param kind the kind; null means {@link Kind#PLANNED}
   */
  public Stage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(onFailure, "onFailure");
    steps = List.copyOf(steps);
    kind = kind == null ? Kind.PLANNED : kind;
  }

  /**
   * Starts a builder of a stage: by default it fails its operation when a step fails ({@link
   * FailurePolicy#FAIL}), is not a finally stage, has no steps and is {@link Kind#PLANNED}.
   *
   * @param name what the stage does
   * @return a new builder
   * @throws NullPointerException if {@code name} is null
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a {@link Stage}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private FailurePolicy onFailure = FailurePolicy.FAIL;
    private boolean always;
    private final List<Step> steps = new ArrayList<>();
    private Kind kind = Kind.PLANNED;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Sets what a failed step does to the operation.
     *
     * @param value the policy; default {@link FailurePolicy#FAIL}
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder onFailure(FailurePolicy value) {
      this.onFailure = Objects.requireNonNull(value, "onFailure");
      return this;
    }

    /**
     * Makes the stage a "finally" stage, which runs whether earlier stages failed or not.
     *
     * @param value true for a finally stage; default false
     * @return this builder
     */
    public Builder always(boolean value) {
      this.always = value;
      return this;
    }

    /**
     * Adds a step after those added before.
     *
     * @param step the step
     * @return this builder
     * @throws NullPointerException if {@code step} is null
     */
    public Builder addStep(Step step) {
      steps.add(Objects.requireNonNull(step, "step"));
      return this;
    }

    /**
     * Adds steps, in order, after those added before.
     *
     * @param value the steps
     * @return this builder
     * @throws NullPointerException if {@code value} or one of its steps is null
     */
    public Builder addSteps(List<? extends Step> value) {
      value.forEach(this::addStep);
      return this;
    }

    /**
     * Sets why the stage is in its plan.
     *
     * @param value the kind; default {@link Kind#PLANNED}
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder kind(Kind value) {
      this.kind = Objects.requireNonNull(value, "kind");
      return this;
    }

    /**
     * Builds the stage.
     *
     * @return the stage
     */
    public Stage build() {
      return new Stage(name, onFailure, always, steps, kind);
    }
  }
}
