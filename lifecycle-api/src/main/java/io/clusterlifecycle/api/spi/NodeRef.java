package io.clusterlifecycle.api.spi;

import java.util.Objects;

/**
 * Names one node of one cluster, the key every resource operation is idempotent by.
 *
 * @param clusterId the cluster's id
 * @param nodeId the node's id, unique within the cluster
 */
public record NodeRef(String clusterId, String nodeId) {
  /**
   * Checks for nulls.
   *
   * @param clusterId the cluster's id
   * @param nodeId the node's id
   */
  public NodeRef {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(nodeId, "nodeId");
  }
}
