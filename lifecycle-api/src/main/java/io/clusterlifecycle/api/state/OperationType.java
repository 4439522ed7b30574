package io.clusterlifecycle.api.state;

import static io.clusterlifecycle.api.state.ClusterState.COOLDOWN;
import static io.clusterlifecycle.api.state.ClusterState.DEPLOYING;
import static io.clusterlifecycle.api.state.ClusterState.DONE;
import static io.clusterlifecycle.api.state.ClusterState.FAILED_DEPLOYING;
import static io.clusterlifecycle.api.state.ClusterState.FAILED_SCALING;
import static io.clusterlifecycle.api.state.ClusterState.FAILED_UNDEPLOYING;
import static io.clusterlifecycle.api.state.ClusterState.FAILED_UPDATING;
import static io.clusterlifecycle.api.state.ClusterState.PENDING;
import static io.clusterlifecycle.api.state.ClusterState.RUNNING;
import static io.clusterlifecycle.api.state.ClusterState.SCALING;
import static io.clusterlifecycle.api.state.ClusterState.STARTING;
import static io.clusterlifecycle.api.state.ClusterState.STOPPED;
import static io.clusterlifecycle.api.state.ClusterState.STOPPING;
import static io.clusterlifecycle.api.state.ClusterState.UNDEPLOYING;
import static io.clusterlifecycle.api.state.ClusterState.UPDATING;
import static io.clusterlifecycle.api.state.ClusterState.WARNING;

import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kinds of operation on a cluster (docs/design.md §6), each with the cluster states it may
 * start from, the busy state it holds the cluster in, and the states it ends in. Every pair it
 * names is allowed by {@link ClusterState}'s transition table.
 */
public enum OperationType {
  /** Create a cluster (docs/design.md §6.1). */
  CREATE(DEPLOYING, RUNNING, FAILED_DEPLOYING, EnumSet.of(PENDING)),
  /** Delete a cluster (docs/design.md §6.2); from a {@code FAILED_*} state only when forced. */
  DELETE(
      UNDEPLOYING,
      DONE,
      FAILED_UNDEPLOYING,
      EnumSet.of(
          PENDING,
          RUNNING,
          WARNING,
          COOLDOWN,
          STOPPED,
          FAILED_DEPLOYING,
          FAILED_SCALING,
          FAILED_UPDATING,
          FAILED_UNDEPLOYING)),
  /** Add nodes to a role (docs/design.md §6.3). */
  ADD_NODES(SCALING, RUNNING, FAILED_SCALING, EnumSet.of(RUNNING, WARNING, COOLDOWN)),
  /** Delete nodes of a role (docs/design.md §6.4). */
  DELETE_NODES(SCALING, RUNNING, FAILED_SCALING, EnumSet.of(RUNNING, WARNING, COOLDOWN)),
  /** Change cpu, memory or volume size of roles (docs/design.md §6.5). */
  SCALE_VERTICAL(SCALING, RUNNING, FAILED_SCALING, EnumSet.of(RUNNING, WARNING, COOLDOWN)),
  /**
   * An automatic change of node count by an elasticity or scheduled policy (docs/design.md §13).
   */
  ELASTIC_SCALE(SCALING, COOLDOWN, FAILED_SCALING, EnumSet.of(RUNNING, WARNING)),
  /**
   * Move to another version of the same app (docs/design.md §6.6); a stopped cluster stays stopped.
   */
  UPGRADE(
      UPDATING,
      RUNNING,
      FAILED_UPDATING,
      EnumSet.of(RUNNING, WARNING, COOLDOWN, STOPPED, FAILED_UPDATING)),
  /** Return to the previous version (docs/design.md §6.6), also after a failed upgrade. */
  ROLLBACK(
      UPDATING,
      RUNNING,
      FAILED_UPDATING,
      EnumSet.of(RUNNING, WARNING, COOLDOWN, STOPPED, FAILED_UPDATING)),
  /** Stop (pause) the cluster (docs/design.md §6.7). */
  STOP(STOPPING, STOPPED, FAILED_UPDATING, EnumSet.of(RUNNING, WARNING, COOLDOWN, FAILED_UPDATING)),
  /** Start (resume) a stopped cluster (docs/design.md §6.7). */
  START(STARTING, RUNNING, FAILED_UPDATING, EnumSet.of(STOPPED, FAILED_UPDATING)),
  /** Restart the cluster, optionally rolling in batches (docs/design.md §6.7). */
  RESTART(
      UPDATING, RUNNING, FAILED_UPDATING, EnumSet.of(RUNNING, WARNING, COOLDOWN, FAILED_UPDATING)),
  /** Run a node action or a custom service over a role's nodes (docs/design.md §6.8). */
  RUN_SERVICE(
      UPDATING, RUNNING, FAILED_UPDATING, EnumSet.of(RUNNING, WARNING, COOLDOWN, FAILED_UPDATING)),
  /**
   * An action of the service orchestrator on a role's nodes or chosen nodes, in batches
   * (docs/design.md §6.13).
   */
  ROLE_ACTION(
      UPDATING, RUNNING, FAILED_UPDATING, EnumSet.of(RUNNING, WARNING, COOLDOWN, FAILED_UPDATING)),
  /** Add a role to a running cluster (docs/design.md §6.9). */
  ADD_ROLE(DEPLOYING, RUNNING, FAILED_DEPLOYING, EnumSet.of(RUNNING, WARNING)),
  /** Remove a role from a running cluster (docs/design.md §6.9). */
  REMOVE_ROLE(UNDEPLOYING, RUNNING, FAILED_UNDEPLOYING, EnumSet.of(RUNNING, WARNING)),
  /** Back up every node (docs/design.md §6.10). */
  BACKUP(
      UPDATING, RUNNING, FAILED_UPDATING, EnumSet.of(RUNNING, WARNING, COOLDOWN, FAILED_UPDATING)),
  /** Create a new cluster from a backup (docs/design.md §6.10). */
  RESTORE(DEPLOYING, RUNNING, FAILED_DEPLOYING, EnumSet.of(PENDING)),
  /** Promote a node to primary (docs/design.md §6.11). */
  PROMOTE(
      UPDATING, RUNNING, FAILED_UPDATING, EnumSet.of(RUNNING, WARNING, COOLDOWN, FAILED_UPDATING)),
  /** Change config, env or dependencies and republish them (docs/design.md §13). */
  UPDATE_CONFIG(
      UPDATING, RUNNING, FAILED_UPDATING, EnumSet.of(RUNNING, WARNING, COOLDOWN, STOPPED)),
  /** Make the infrastructure match the record (docs/design.md §7.9). */
  RECONCILE(UPDATING, RUNNING, FAILED_UPDATING, EnumSet.of(RUNNING, WARNING, COOLDOWN));

  private final ClusterState activeState;
  private final ClusterState successState;
  private final ClusterState failureState;
  private final Set<ClusterState> startStates;

  OperationType(
      ClusterState activeState,
      ClusterState successState,
      ClusterState failureState,
      EnumSet<ClusterState> startStates) {
    this.activeState = activeState;
    this.successState = successState;
    this.failureState = failureState;
    this.startStates = Collections.unmodifiableSet(startStates);
  }

  /**
   * Returns the busy state the cluster is in while this operation runs.
   *
   * @return a state for which {@link ClusterState#isBusy()} is true
   */
  public ClusterState activeState() {
    return activeState;
  }

  /**
   * Returns the state a cluster ends in when this operation succeeds.
   *
   * @param startedFrom the state the cluster was in when the operation started
   * @return {@link ClusterState#STOPPED} for an upgrade or rollback of a stopped cluster, otherwise
   *     the operation's fixed end state
   */
  public ClusterState successState(ClusterState startedFrom) {
    if ((this == UPGRADE || this == ROLLBACK || this == UPDATE_CONFIG) && startedFrom == STOPPED) {
      return STOPPED;
    }
    return successState;
  }

  /**
   * Returns the state a cluster ends in when this operation fails part-way.
   *
   * @return one of the {@code FAILED_*} states
   */
  public ClusterState failureState() {
    return failureState;
  }

  /**
   * Returns the cluster states this operation may start from.
   *
   * @return an unmodifiable set
   */
  public Set<ClusterState> startStates() {
    return startStates;
  }

  /**
   * Checks that this operation may start on a cluster in state {@code current} and returns the
   * state the cluster moves to.
   *
   * @param current the cluster's state now
   * @return {@link #activeState()}
   * @throws IllegalStateTransitionException naming {@code current} and the states the operation is
   *     allowed in, when it may not start now
   */
  public ClusterState begin(ClusterState current) {
    if (!startStates.contains(current)) {
      throw new IllegalStateTransitionException(
          current,
          activeState,
          displayName()
              + " is not allowed while the cluster is "
              + current
              + "; it is allowed in "
              + startStates.stream().map(Enum::name).collect(Collectors.joining(", ")));
    }
    return current.moveTo(activeState);
  }

  /**
   * Returns the operation's name for messages, for example {@code "add nodes"}.
   *
   * @return the lower-case name with spaces
   */
  public String displayName() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
