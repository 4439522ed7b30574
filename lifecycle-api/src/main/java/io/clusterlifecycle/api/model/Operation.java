package io.clusterlifecycle.api.model;

import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One requested change of a cluster and how it went.
 *
 * @param id the operation id
 * @param clusterId the cluster it ran on
 * @param type what kind of operation
 * @param state where it is
 * @param startedFrom the cluster's state when the operation began
 * @param plan the plan it runs
 * @param createdAt when it was accepted
 * @param endedAt when it ended, if it has
 * @param error why it failed, empty unless it failed
 * @param refused true when a guard or pre-check refused it: it failed, but nothing was changed
 *     and the cluster is back in {@code startedFrom}
 * @param warnings failures tolerated because the operation was forced
 * @param keptVolumes ids of volumes left in place by a delete with keep-volumes
 */
public record Operation(
    String id,
    String clusterId,
    OperationType type,
    OperationState state,
    ClusterState startedFrom,
    Plan plan,
    Instant createdAt,
    Optional<Instant> endedAt,
    String error,
    boolean refused,
    List<String> warnings,
    List<String> keptVolumes) {

  /**
   * Checks for nulls and copies the lists.
   *
   * @param id the operation id
   * @param clusterId the cluster id
   * @param type the type
   * @param state the state
   * @param startedFrom the cluster's state at the start
   * @param plan the plan
   * @param createdAt acceptance time
   * @param endedAt end time, if ended
   * @param error the failure, or empty
   * @param refused whether a guard or pre-check refused it
   * @param warnings tolerated failures; copied
   * @param keptVolumes kept volume ids; copied
   */
  public Operation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedFrom, "startedFrom");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(error, "error");
    warnings = List.copyOf(warnings);
    keptVolumes = List.copyOf(keptVolumes);
  }

  /**
   * Returns a copy that has ended.
   *
   * @param newState {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}
   * @param at the end time
   * @param why the failure, or empty
   * @param wasRefused whether a guard or pre-check refused it
   * @param newWarnings the tolerated failures
   * @param newKeptVolumes the kept volumes
   * @return the copy
   */
  public Operation ended(OperationState newState, Instant at, String why, boolean wasRefused,
      List<String> newWarnings, List<String> newKeptVolumes) {
    return new Operation(id, clusterId, type, state.moveTo(newState), startedFrom, plan, createdAt,
        Optional.of(at), why, wasRefused, newWarnings, newKeptVolumes);
  }
}
