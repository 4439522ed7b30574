package io.clusterlifecycle.api.error;

import java.util.Objects;

/**
 * A state machine was asked to make a move its transition table does not allow, or an operation was
 * requested in a state that does not permit it. Nothing was changed.
 */
public class IllegalStateTransitionException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** The state the machine was in and is still in. */
  private final Enum<?> from;

  /** The state that was asked for. */
  private final Enum<?> to;

  /**
   * Creates the exception for a refused move between two states.
   *
   * @param from the current state
   * @param to the state that was asked for
   */
  public IllegalStateTransitionException(Enum<?> from, Enum<?> to) {
    super(from.getDeclaringClass().getSimpleName() + " cannot move from " + from + " to " + to);
    this.from = from;
    this.to = Objects.requireNonNull(to, "to");
  }

  /**
   * Creates the exception with a message of its own, for a move refused for a reason other than the
   * table (for example an operation not allowed in the current state).
   *
   * @param from the current state
   * @param to the state that was asked for
   * @param message what was refused and what to do instead
   */
  public IllegalStateTransitionException(Enum<?> from, Enum<?> to, String message) {
    super(message);
    this.from = Objects.requireNonNull(from, "from");
    this.to = Objects.requireNonNull(to, "to");
  }

  /**
   * Returns the state the machine was in; it is still in it.
   *
   * @return the current state
   */
  public Enum<?> from() {
    return from;
  }

  /**
   * Returns the state that was asked for.
   *
   * @return the refused target state
   */
  public Enum<?> to() {
    return to;
  }
}
