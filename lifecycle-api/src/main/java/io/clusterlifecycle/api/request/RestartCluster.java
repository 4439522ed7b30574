package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Restart a cluster (docs/design.md §6.7): {@code restart} where a role defines it, otherwise
 * {@code stop} then {@code start}; all nodes at once, or rolling in batches. Refused at once,
 * without waiting, when the cluster or one of its nodes is busy.
 *
 * @param cluster the cluster's id or name
 * @param batchSize nodes per batch; {@code 0} means all nodes at once
 * @param batchPeriod the wait between two batches
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record RestartCluster(
    String cluster, int batchSize, Duration batchPeriod, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param batchSize nodes per batch; {@code 0} means all nodes at once
   * @param batchPeriod the wait between two batches
   * @param timeout the timeout, if any
   */
  public RestartCluster {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(batchPeriod, "batchPeriod");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @return the request
   */
  public static RestartCluster of(String cluster) {
    return new RestartCluster(cluster, 0, Duration.ZERO, Optional.empty());
  }

  /**
   * Returns a copy that works through the nodes {@code size} at a time, waiting {@code period}
   * between batches.
   *
   * @param size nodes per batch, at least 1
   * @param period the wait between batches
   * @return the copy
   */
  public RestartCluster inBatches(int size, Duration period) {
    return new RestartCluster(cluster, size, period, timeout);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public RestartCluster withTimeout(Duration value) {
    return new RestartCluster(cluster, batchSize, batchPeriod, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.RESTART;
  }
}
