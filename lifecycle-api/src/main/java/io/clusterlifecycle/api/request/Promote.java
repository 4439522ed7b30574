package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Promote a node to primary of its role (docs/design.md §6.11): the role must define {@code
 * promote}. Refused while the current primary is healthy, unless it is a switchover.
 *
 * @param cluster the cluster's id or name
 * @param node the node to promote
 * @param switchover replace a healthy primary
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record Promote(String cluster, String node, boolean switchover, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param node the node to promote
   * @param switchover replace a healthy primary
   * @param timeout the timeout, if any
   */
  public Promote {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @param node the node to promote
   * @return the request
   */
  public static Promote of(String cluster, String node) {
    return new Promote(cluster, node, false, Optional.empty());
  }

  /**
   * Returns a copy that replaces a healthy primary.
   *
   * @return the copy
   */
  public Promote asSwitchover() {
    return new Promote(cluster, node, true, timeout);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public Promote withTimeout(Duration value) {
    return new Promote(cluster, node, switchover, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.PROMOTE;
  }
}
