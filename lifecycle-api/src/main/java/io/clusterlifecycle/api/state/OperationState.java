package io.clusterlifecycle.api.state;

import java.util.Set;

/** The state of one operation (create, add nodes, …) from request to end. */
public enum OperationState {
  /** Accepted and planned, not started (for example waiting for a busy cluster). */
  PENDING,
  /** Its plan is being executed. */
  RUNNING,
  /** Every stage finished. */
  SUCCEEDED,
  /** A stage failed or the operation timed out; its journal can be resumed by recover. */
  FAILED,
  /**
   * Cancelled by the caller before it ended, or given up by skip-failed; recover may still resume
   * an operation that was cancelled while it ran.
   */
  CANCELLED;

  private static final TransitionTable<OperationState> TABLE =
      TransitionTable.builder(OperationState.class)
          .allow(PENDING, RUNNING, CANCELLED, FAILED)
          .allow(RUNNING, SUCCEEDED, FAILED, CANCELLED)
          .allow(FAILED, RUNNING, CANCELLED)
          .allow(CANCELLED, RUNNING)
          .build();

  /**
   * Tells whether the operation has ended for good.
   *
   * @return true for {@link #SUCCEEDED} only; a {@link #FAILED} or {@link #CANCELLED} operation may
   *     still be resumed
   */
  public boolean isFinal() {
    return targets().isEmpty();
  }

  /**
   * Returns the states this state may move to.
   *
   * @return an unmodifiable set
   */
  public Set<OperationState> targets() {
    return TABLE.targets(this);
  }

  /**
   * Tells whether the transition table allows a move from this state to {@code target}.
   *
   * @param target the state to move to
   * @return true when the move is allowed
   */
  public boolean canMoveTo(OperationState target) {
    return TABLE.allows(this, target);
  }

  /**
   * Checks a move against the transition table.
   *
   * @param target the state to move to
   * @return {@code target}, when the move is allowed
   * @throws io.clusterlifecycle.api.error.IllegalStateTransitionException if the table does not
   *     allow the move
   */
  public OperationState moveTo(OperationState target) {
    return TABLE.move(this, target);
  }
}
