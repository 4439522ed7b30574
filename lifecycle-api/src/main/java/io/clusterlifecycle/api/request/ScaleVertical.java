package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Change the cpu, memory and/or volume size of one or more roles (docs/design.md §6.5).
 *
 * @param cluster the cluster's id or name
 * @param roles the roles and their new resources, each role at most once
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record ScaleVertical(String cluster, List<RoleResize> roles, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks for nulls and copies the list.
   *
   * @param cluster the cluster's id or name
   * @param roles the resizes; copied
   * @param timeout the timeout, if any
   */
  public ScaleVertical {
    Objects.requireNonNull(cluster, "cluster");
    roles = List.copyOf(roles);
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @param roles the resizes
   * @return the request
   */
  public static ScaleVertical of(String cluster, RoleResize... roles) {
    return new ScaleVertical(cluster, List.of(roles), Optional.empty());
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public ScaleVertical withTimeout(Duration value) {
    return new ScaleVertical(cluster, roles, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.SCALE_VERTICAL;
  }
}
