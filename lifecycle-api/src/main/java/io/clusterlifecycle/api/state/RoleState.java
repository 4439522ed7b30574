package io.clusterlifecycle.api.state;

/**
 * The state of one role of a cluster, the service orchestrator's group states (docs/design.md
 * §3.6). It is derived, never stored: a role the operation under way acts on has the cluster's busy
 * state ({@link #DEPLOYING}, {@link #SCALING}, {@link #UPDATING}, ...), or its failed state once
 * that operation failed; any other role is {@link #STOPPED} when all its nodes are stopped, {@link
 * #WARNING} when one of its nodes is unhealthy, and otherwise {@link #RUNNING}. See {@code
 * Cluster.roleStates()}.
 */
public enum RoleState {
  /** Recorded, none of its nodes created yet. */
  PENDING,
  /** Its nodes are being created. */
  DEPLOYING,
  /** All its nodes are up and healthy. */
  RUNNING,
  /** Its nodes are up, but one is unhealthy. */
  WARNING,
  /** Nodes are being added to it or taken from it, or resized. */
  SCALING,
  /** The pause after an automatic scaling. */
  COOLDOWN,
  /** An upgrade, rollback, restart, backup, custom service or config change runs on it. */
  UPDATING,
  /** Its nodes are being stopped. */
  STOPPING,
  /** Its nodes are stopped. */
  STOPPED,
  /** Its nodes are being started. */
  STARTING,
  /** Its nodes are being deleted. */
  UNDEPLOYING,
  /** Deleted. */
  DONE,
  /** Creating its nodes failed. */
  FAILED_DEPLOYING,
  /** Scaling it failed. */
  FAILED_SCALING,
  /** An update on it failed. */
  FAILED_UPDATING,
  /** Deleting its nodes failed. */
  FAILED_UNDEPLOYING;

  /**
   * The role state of the same name as a cluster state.
   *
   * @param cluster the cluster's state
   * @return the role state named as it is
   */
  public static RoleState of(ClusterState cluster) {
    return valueOf(cluster.name());
  }
}
