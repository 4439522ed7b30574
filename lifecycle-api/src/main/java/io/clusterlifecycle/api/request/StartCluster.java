package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Start (resume) a stopped cluster (docs/design.md §6.7): the instances, then reload, then the
 * {@code start} service in ascending order.
 *
 * @param cluster the cluster's id or name
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record StartCluster(String cluster, Optional<Duration> timeout) implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param timeout the timeout, if any
   */
  public StartCluster {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @return the request
   */
  public static StartCluster of(String cluster) {
    return new StartCluster(cluster, Optional.empty());
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public StartCluster withTimeout(Duration value) {
    return new StartCluster(cluster, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.START;
  }
}
