package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.util.Map;

/** Node specs for the tests. */
final class Nodes {
  private Nodes() {}

  /** A node of cluster {@code clusterId}, role {@code role}, with the engine's tags. */
  static NodeSpec spec(String clusterId, String role, int index, int volumeSize) {
    String nodeId = clusterId + "-" + role + "-" + index;
    return NodeSpec.builder()
        .ref(new NodeRef(clusterId, nodeId))
        .clusterName(clusterId)
        .namespace("default")
        .role(role)
        .cpu(1)
        .memory(512)
        .volumeSize(volumeSize)
        .mountPoint(volumeSize > 0 ? "/data" : "")
        .image("")
        .tags(
            Map.of(
                NodeSpec.TAG_CLUSTER, clusterId,
                NodeSpec.TAG_ROLE, role,
                NodeSpec.TAG_NODE, nodeId))
        .build();
  }
}
