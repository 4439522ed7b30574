package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Remove a role and all its nodes from a running cluster (docs/design.md §6.9), using the delete
 * flow for those nodes.
 *
 * @param cluster the cluster's id or name
 * @param role the role to remove; the cluster keeps at least one role
 * @param force record failures of destroy and stop as warnings and remove anyway
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record RemoveRole(String cluster, String role, boolean force, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param role the role to remove; the cluster keeps at least one role
   * @param force record failures of destroy and stop as warnings and remove anyway
   * @param timeout the timeout, if any
   */
  public RemoveRole {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @param role the role to remove; the cluster keeps at least one role
   * @return the request
   */
  public static RemoveRole of(String cluster, String role) {
    return new RemoveRole(cluster, role, false, Optional.empty());
  }

  /**
   * Returns a forced copy.
   *
   * @return the copy
   */
  public RemoveRole forced() {
    return new RemoveRole(cluster, role, true, timeout);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public RemoveRole withTimeout(Duration value) {
    return new RemoveRole(cluster, role, force, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.REMOVE_ROLE;
  }
}
