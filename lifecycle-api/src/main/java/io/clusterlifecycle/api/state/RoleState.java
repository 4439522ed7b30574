package io.clusterlifecycle.api.state;

import java.util.Set;

/**
 * The state of one role of a cluster (docs/design.md §3): a role is {@code DEPLOYING} while it is
 * being added to a cluster and {@code DELETING} while it is being removed.
 */
public enum RoleState {
  /** Recorded, none of its nodes created yet. */
  PENDING,
  /** Its nodes are being created. */
  DEPLOYING,
  /** All its nodes are up. */
  RUNNING,
  /** Its nodes are stopped. */
  STOPPED,
  /** Creating its nodes or a command on them failed. */
  FAILED,
  /** Being removed from the cluster. */
  DELETING,
  /** Removed. */
  DONE;

  private static final TransitionTable<RoleState> TABLE =
      TransitionTable.builder(RoleState.class)
          .allow(PENDING, DEPLOYING, DELETING)
          .allow(DEPLOYING, RUNNING, FAILED, DELETING)
          .allow(RUNNING, STOPPED, FAILED, DELETING)
          .allow(STOPPED, RUNNING, FAILED, DELETING)
          .allow(FAILED, DEPLOYING, RUNNING, STOPPED, DELETING)
          .allow(DELETING, DONE, FAILED, RUNNING, STOPPED)
          .build();

  /**
   * Returns the states this state may move to.
   *
   * @return an unmodifiable set, empty for {@link #DONE}
   */
  public Set<RoleState> targets() {
    return TABLE.targets(this);
  }

  /**
   * Tells whether the transition table allows a move from this state to {@code target}.
   *
   * @param target the state to move to
   * @return true when the move is allowed
   */
  public boolean canMoveTo(RoleState target) {
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
  public RoleState moveTo(RoleState target) {
    return TABLE.move(this, target);
  }
}
