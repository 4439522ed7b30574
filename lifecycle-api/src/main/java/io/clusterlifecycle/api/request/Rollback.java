package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Return a cluster to the version it ran before its last upgrade (docs/design.md §6.6), also after
 * a failed upgrade.
 *
 * @param cluster the cluster's id or name
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record Rollback(String cluster, Optional<Duration> timeout) implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param timeout the timeout, if any
   */
  public Rollback {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @return the request
   */
  public static Rollback of(String cluster) {
    return new Rollback(cluster, Optional.empty());
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public Rollback withTimeout(Duration value) {
    return new Rollback(cluster, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.ROLLBACK;
  }
}
