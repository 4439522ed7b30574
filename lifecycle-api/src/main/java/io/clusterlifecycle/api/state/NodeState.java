package io.clusterlifecycle.api.state;

import java.util.Set;

/** The state of one node of a cluster (docs/design.md §3). */
public enum NodeState {
  /** Recorded, no resource created yet. */
  PENDING,
  /** Its resources are being created or its init/start commands are running. */
  DEPLOYING,
  /** Up and serving. */
  RUNNING,
  /** Its instance is stopped; volume and address are kept. */
  STOPPED,
  /** Its creation or a command on it failed, or it is unreachable. */
  FAILED,
  /** Being removed. */
  DELETING,
  /** Removed; kept in the records until the cluster is purged. */
  DONE,
  /** Taken out of service by a {@code hold} action: no command runs on it until released. */
  HOLD,
  /** Its processes are paused by a {@code suspend} action, memory kept. */
  SUSPENDED,
  /** Its processes are shut down by a {@code poweroff} action; it stays on its host. */
  POWEROFF,
  /** Shut down and off its host by an {@code undeploy} action; disks kept. */
  UNDEPLOYED;

  private static final TransitionTable<NodeState> TABLE =
      TransitionTable.builder(NodeState.class)
          .allow(PENDING, DEPLOYING, FAILED, DELETING)
          .allow(DEPLOYING, RUNNING, FAILED, DELETING)
          .allow(RUNNING, STOPPED, FAILED, DELETING, HOLD, SUSPENDED, POWEROFF, UNDEPLOYED)
          .allow(STOPPED, RUNNING, FAILED, DELETING, UNDEPLOYED)
          .allow(HOLD, RUNNING, STOPPED, FAILED, DELETING)
          .allow(SUSPENDED, RUNNING, POWEROFF, STOPPED, FAILED, DELETING)
          .allow(POWEROFF, RUNNING, STOPPED, UNDEPLOYED, FAILED, DELETING)
          .allow(UNDEPLOYED, RUNNING, STOPPED, FAILED, DELETING)
          .allow(FAILED, DEPLOYING, RUNNING, STOPPED, DELETING)
          // a refused destroy guard leaves the node as it was
          .allow(DELETING, DONE, FAILED, RUNNING, STOPPED)
          .build();

  /**
   * Returns the states this state may move to.
   *
   * @return an unmodifiable set, empty for {@link #DONE}
   */
  public Set<NodeState> targets() {
    return TABLE.targets(this);
  }

  /**
   * Tells whether the transition table allows a move from this state to {@code target}.
   *
   * @param target the state to move to
   * @return true when the move is allowed
   */
  public boolean canMoveTo(NodeState target) {
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
  public NodeState moveTo(NodeState target) {
    return TABLE.move(this, target);
  }
}
