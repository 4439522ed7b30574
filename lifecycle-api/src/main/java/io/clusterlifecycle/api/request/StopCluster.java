package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Stop (pause) a cluster (docs/design.md §6.7): the {@code stop} service in ascending order, then
 * the instances; volumes and addresses are kept.
 *
 * @param cluster the cluster's id or name
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record StopCluster(String cluster, Optional<Duration> timeout) implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param timeout the timeout, if any
   */
  public StopCluster {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @return the request
   */
  public static StopCluster of(String cluster) {
    return new StopCluster(cluster, Optional.empty());
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public StopCluster withTimeout(Duration value) {
    return new StopCluster(cluster, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.STOP;
  }
}
