package io.clusterlifecycle.api.state;

import java.util.Set;

/**
 * The state of a cluster (docs/design.md §3), with the names of the VM-service orchestrator so that
 * operators recognise them. Transitional states make a cluster {@linkplain #isBusy() busy}; the
 * {@code FAILED_*} states are left only by recover or a forced delete.
 */
public enum ClusterState {
  /** Accepted, nothing done yet. */
  PENDING,
  /** Create or add-role in progress. */
  DEPLOYING,
  /** All nodes up; no operation in progress. */
  RUNNING,
  /** Running, but a node is failed or unreachable (seen by reconcile or health checks). */
  WARNING,
  /** Add nodes, delete nodes or vertical scaling in progress. */
  SCALING,
  /** Pause after an elastic scaling, before the next automatic one. */
  COOLDOWN,
  /** Upgrade, rollback, config change, restart, backup or promote in progress. */
  UPDATING,
  /** Stop (pause) in progress. */
  STOPPING,
  /** Stopped: instances are down, volumes and addresses kept. */
  STOPPED,
  /** Start (resume) in progress. */
  STARTING,
  /** Delete (or remove-role) in progress. */
  UNDEPLOYING,
  /** Deleted; kept in the records until purged. */
  DONE,
  /** A create or add-role failed part-way. */
  FAILED_DEPLOYING,
  /** An add nodes, delete nodes or vertical scaling failed part-way. */
  FAILED_SCALING,
  /** An update, stop or start failed part-way. */
  FAILED_UPDATING,
  /** A delete failed part-way. */
  FAILED_UNDEPLOYING;

  private static final TransitionTable<ClusterState> TABLE =
      TransitionTable.builder(ClusterState.class)
          .allow(PENDING, DEPLOYING, UNDEPLOYING)
          .allow(DEPLOYING, RUNNING, WARNING, FAILED_DEPLOYING)
          .allow(RUNNING, WARNING, DEPLOYING, SCALING, UPDATING, STOPPING, UNDEPLOYING)
          .allow(WARNING, RUNNING, DEPLOYING, SCALING, UPDATING, STOPPING, UNDEPLOYING)
          .allow(SCALING, RUNNING, WARNING, COOLDOWN, FAILED_SCALING)
          .allow(COOLDOWN, RUNNING, WARNING, SCALING, UPDATING, STOPPING, UNDEPLOYING)
          .allow(UPDATING, RUNNING, WARNING, STOPPED, FAILED_UPDATING)
          .allow(STOPPING, STOPPED, FAILED_UPDATING)
          .allow(STOPPED, STARTING, UPDATING, UNDEPLOYING)
          .allow(STARTING, RUNNING, WARNING, FAILED_UPDATING)
          // a refused destroy guard or a removed role returns the cluster to where it was
          .allow(UNDEPLOYING, DONE, FAILED_UNDEPLOYING, RUNNING, WARNING, COOLDOWN, STOPPED)
          // the moves to RUNNING, STOPPED and DONE out of a failed state are skip-failed's
          .allow(FAILED_DEPLOYING, DEPLOYING, UNDEPLOYING, RUNNING, STOPPED)
          .allow(FAILED_SCALING, SCALING, UNDEPLOYING, RUNNING, STOPPED)
          .allow(FAILED_UPDATING, UPDATING, STOPPING, STARTING, UNDEPLOYING, RUNNING, STOPPED)
          .allow(FAILED_UNDEPLOYING, UNDEPLOYING, RUNNING, STOPPED, DONE)
          .build();

  /**
   * Tells whether an operation is under way in this state, so that a second one must wait.
   *
   * @return true for {@code DEPLOYING}, {@code SCALING}, {@code UPDATING}, {@code STOPPING}, {@code
   *     STARTING} and {@code UNDEPLOYING}
   */
  public boolean isBusy() {
    return switch (this) {
      case DEPLOYING, SCALING, UPDATING, STOPPING, STARTING, UNDEPLOYING -> true;
      default -> false;
    };
  }

  /**
   * Tells whether an operation failed part-way in this state.
   *
   * @return true for the four {@code FAILED_*} states
   */
  public boolean isFailed() {
    return name().startsWith("FAILED_");
  }

  /**
   * Returns the states this state may move to.
   *
   * @return an unmodifiable set, empty for {@link #DONE}
   */
  public Set<ClusterState> targets() {
    return TABLE.targets(this);
  }

  /**
   * Tells whether the transition table allows a move from this state to {@code target}.
   *
   * @param target the state to move to
   * @return true when the move is allowed
   */
  public boolean canMoveTo(ClusterState target) {
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
  public ClusterState moveTo(ClusterState target) {
    return TABLE.move(this, target);
  }
}
