package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import java.util.Map;

/** A node of a cluster record as the command executor is shown it. */
public final class NodeResources {
  private NodeResources() {}

  /**
   * The node's resource as its record knows it, running.
   *
   * @param clusterId the node's cluster
   * @param node the node's record
   * @return what a command on the node is given
   */
  public static NodeResource of(String clusterId, Node node) {
    return NodeResource.builder()
        .ref(new NodeRef(clusterId, node.id()))
        .role(node.role())
        .instanceId(node.instanceId().orElse(""))
        .address(node.address().orElse(""))
        .cpu(node.cpu())
        .memory(node.memory())
        .volumeSize(node.volumeSize())
        .image(node.image())
        .running(true)
        .tags(Map.of())
        .build();
  }
}
