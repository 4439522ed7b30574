package io.clusterlifecycle.api.event;

/** The kinds of {@link LifecycleEvent} (docs/design.md §8). */
public enum EventType {
  /** An operation began executing its plan. */
  OPERATION_STARTED,
  /** An operation finished every stage. */
  OPERATION_SUCCEEDED,
  /** An operation failed, was refused or timed out. */
  OPERATION_FAILED,
  /** A cluster or node moved between states. */
  STATE_CHANGED,
  /** A stage began. */
  STAGE_STARTED,
  /** A stage ended; its message says how. */
  STAGE_FINISHED,
  /** A command began on a node. */
  COMMAND_STARTED,
  /** A command ended on a node, with its exit code. */
  COMMAND_FINISHED,
  /** A node's resources were created. */
  RESOURCE_CREATED,
  /** A node's resources were deleted. */
  RESOURCE_DELETED,
  /** A node's resources were resized. */
  RESOURCE_RESIZED,
  /** A node's instance was stopped (volume and address kept). */
  RESOURCE_STOPPED,
  /** A node's stopped instance was started. */
  RESOURCE_STARTED,
  /**
   * An action of the service orchestrator was carried out on a node (docs/design.md §6.13): {@code
   * message} names it (and its snapshot), {@code from} and {@code to} the node's states.
   */
  NODE_ACTED,
  /** A node was booted from another image (upgrade or rollback). */
  IMAGE_REPLACED,
  /** Keys were put into the metadata tree (one event per commit). */
  METADATA_PUT,
  /** Keys were deleted from the metadata tree (one event per commit). */
  METADATA_DELETED,
  /** Something went wrong that did not fail the operation (a forced step's failure). */
  WARNING,
  /**
   * A node's scripts reported a workload status through {@code LC_STATUS} (docs/design.md §9.3.1):
   * {@code to} holds the state ({@code ACTIVE}, {@code MAINTENANCE}, {@code WAITING}, {@code
   * BLOCKED}), {@code from} the one reported before if any, {@code message} what they said.
   */
  NODE_STATUS,
  /**
   * A health check found a node unhealthy ({@code message} says why) or healthy again (no message)
   * (docs/design.md §3.6).
   */
  NODE_HEALTH,
  /**
   * An elasticity or scheduled policy of a role fired (docs/design.md §6.14): {@code role} names
   * the role, {@code message} the policy and the node counts; the elastic-scale operation follows.
   * A condition that could not be judged (a metric missing, the source failing) is a {@code
   * WARNING} with {@code role} set.
   */
  POLICY_FIRED,
  /**
   * A periodic reconcile found a difference between a cluster's record and the infrastructure
   * (docs/design.md §7.9): {@code node} names the node, {@code message} the kind of difference and
   * what each side says; no operation.
   */
  DRIFT_FOUND
}
