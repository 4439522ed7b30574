package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Add nodes to one role of a cluster (docs/design.md §6.3).
 *
 * @param cluster the cluster's id or name
 * @param role the role, which must list {@code scale_horizontal}
 * @param count how many nodes to add, at least 1
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record AddNodes(String cluster, String role, int count, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks for nulls.
   *
   * @param cluster the cluster's id or name
   * @param role the role
   * @param count how many nodes
   * @param timeout the timeout, if any
   */
  public AddNodes {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @param role the role
   * @param count how many nodes
   * @return the request
   */
  public static AddNodes of(String cluster, String role, int count) {
    return new AddNodes(cluster, role, count, Optional.empty());
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public AddNodes withTimeout(Duration value) {
    return new AddNodes(cluster, role, count, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.ADD_NODES;
  }
}
