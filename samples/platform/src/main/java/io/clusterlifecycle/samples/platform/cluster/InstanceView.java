package io.clusterlifecycle.samples.platform.cluster;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;

/**
 * One instance (node) of a cluster or release.
 *
 * @param id the node id
 * @param role its role
 * @param index its index in the role
 * @param state its state
 * @param address its address, or null before it has one
 * @param primary whether it is its role's primary
 * @param problem what its last health check found, or null
 */
public record InstanceView(
    String id,
    String role,
    int index,
    String state,
    String address,
    boolean primary,
    String problem) {

  /**
   * Views a node.
   *
   * @param cluster its cluster
   * @param node the node
   * @return the view
   */
  public static InstanceView of(Cluster cluster, Node node) {
    return new InstanceView(
        node.id(),
        node.role(),
        node.index(),
        node.state().name(),
        node.address().orElse(null),
        cluster.primary(node.role()).map(p -> p.id().equals(node.id())).orElse(false),
        node.problem().orElse(null));
  }
}
