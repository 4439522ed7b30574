package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Delete a cluster (docs/design.md §6.2).
 *
 * @param cluster the cluster's id or name
 * @param force record failures of destroy and stop as warnings and delete anyway
 * @param keepVolumes leave the nodes' volumes in place and list them in the result
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record DeleteCluster(
    String cluster, boolean force, boolean keepVolumes, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks for nulls.
   *
   * @param cluster the cluster's id or name
   * @param force whether forced
   * @param keepVolumes whether volumes are kept
   * @param timeout the timeout, if any
   */
  public DeleteCluster {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a plain delete: not forced, volumes deleted, default timeout.
   *
   * @param cluster the cluster's id or name
   * @return the request
   */
  public static DeleteCluster of(String cluster) {
    return new DeleteCluster(cluster, false, false, Optional.empty());
  }

  /**
   * Returns a forced copy.
   *
   * @return the copy
   */
  public DeleteCluster forced() {
    return new DeleteCluster(cluster, true, keepVolumes, timeout);
  }

  /**
   * Returns a copy that keeps volumes.
   *
   * @return the copy
   */
  public DeleteCluster keepingVolumes() {
    return new DeleteCluster(cluster, force, true, timeout);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public DeleteCluster withTimeout(Duration value) {
    return new DeleteCluster(cluster, force, keepVolumes, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.DELETE;
  }
}
