package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Add a role to a running cluster (docs/design.md §6.9) and deploy its nodes like a create.
 *
 * @param cluster the cluster's id or name
 * @param role the new role; its name must not be in the cluster's spec
 * @param count how many nodes; {@code 0} means the role's {@code count}
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record AddRole(String cluster, RoleSpec role, int count, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param role the new role; its name must not be in the cluster's spec
   * @param count how many nodes; {@code 0} means the role's {@code count}
   * @param timeout the timeout, if any
   */
  public AddRole {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @param role the new role; its name must not be in the cluster's spec
   * @return the request
   */
  public static AddRole of(String cluster, RoleSpec role) {
    return new AddRole(cluster, role, 0, Optional.empty());
  }

  /**
   * Returns a copy with a node count.
   *
   * @param value the node count
   * @return the copy
   */
  public AddRole withCount(int value) {
    return new AddRole(cluster, role, value, timeout);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public AddRole withTimeout(Duration value) {
    return new AddRole(cluster, role, count, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.ADD_ROLE;
  }
}
