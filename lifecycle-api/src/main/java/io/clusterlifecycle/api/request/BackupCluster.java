package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Back up a cluster (docs/design.md §6.10): {@code backup} on every node that defines it, then a
 * recorded {@link io.clusterlifecycle.api.model.Backup}.
 *
 * @param cluster the cluster's id or name
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record BackupCluster(String cluster, Optional<Duration> timeout) implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param timeout the timeout, if any
   */
  public BackupCluster {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @return the request
   */
  public static BackupCluster of(String cluster) {
    return new BackupCluster(cluster, Optional.empty());
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public BackupCluster withTimeout(Duration value) {
    return new BackupCluster(cluster, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.BACKUP;
  }
}
