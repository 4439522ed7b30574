package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Delete one or more nodes of a cluster (docs/design.md §6.4).
 *
 * @param cluster the cluster's id or name
 * @param nodes the node ids; their roles must list {@code scale_horizontal} and keep at least
 *     {@code min_nodes}
 * @param force record failures of destroy, stop and scale_in as warnings and delete anyway
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record DeleteNodes(
    String cluster, List<String> nodes, boolean force, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks for nulls and copies the node list.
   *
   * @param cluster the cluster's id or name
   * @param nodes the node ids; copied
   * @param force whether forced
   * @param timeout the timeout, if any
   */
  public DeleteNodes {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(timeout, "timeout");
    nodes = List.copyOf(nodes);
  }

  /**
   * Creates a request that is not forced, with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @param nodes the node ids
   * @return the request
   */
  public static DeleteNodes of(String cluster, String... nodes) {
    return new DeleteNodes(cluster, List.of(nodes), false, Optional.empty());
  }

  /**
   * Returns a forced copy.
   *
   * @return the copy
   */
  public DeleteNodes forced() {
    return new DeleteNodes(cluster, nodes, true, timeout);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public DeleteNodes withTimeout(Duration value) {
    return new DeleteNodes(cluster, nodes, force, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.DELETE_NODES;
  }
}
