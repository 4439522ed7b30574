package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the adapter knows of one node, kept as JSON in the node's record (a ConfigMap) and in its
 * pod's {@link K8sLabels#NODE_ANNOTATION}: the exact ids, sizes, image (empty for the default) and
 * tags, and whether the node is stopped.
 */
record NodeState(
    String clusterId,
    String nodeId,
    String clusterName,
    String namespace,
    String role,
    int cpu,
    int memory,
    int volumeSize,
    String mountPoint,
    String image,
    Map<String, String> tags,
    boolean stopped) {

  NodeState {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(nodeId, "nodeId");
    clusterName = clusterName == null ? "" : clusterName;
    namespace = namespace == null ? "" : namespace;
    role = role == null ? "" : role;
    mountPoint = mountPoint == null ? "" : mountPoint;
    image = image == null ? "" : image;
    tags = tags == null ? Map.of() : new TreeMap<>(tags);
  }

  static NodeState of(NodeSpec s) {
    return new NodeState(
        s.ref().clusterId(),
        s.ref().nodeId(),
        s.clusterName(),
        s.namespace(),
        s.role(),
        s.cpu(),
        s.memory(),
        s.volumeSize(),
        s.mountPoint().orElse(""),
        s.image().orElse(""),
        s.tags(),
        false);
  }

  static NodeState fromJson(String json, String what) {
    return Json.read(json, NodeState.class, what);
  }

  String toJson() {
    return Json.write(this);
  }

  NodeRef ref() {
    return new NodeRef(clusterId, nodeId);
  }

  NodeState withStopped(boolean value) {
    return new NodeState(
        clusterId,
        nodeId,
        clusterName,
        namespace,
        role,
        cpu,
        memory,
        volumeSize,
        mountPoint,
        image,
        tags,
        value);
  }

  NodeState withSizes(int newCpu, int newMemory, int newVolumeSize) {
    return new NodeState(
        clusterId,
        nodeId,
        clusterName,
        namespace,
        role,
        newCpu,
        newMemory,
        newVolumeSize,
        mountPoint,
        image,
        tags,
        stopped);
  }

  NodeState withImage(String newImage) {
    return new NodeState(
        clusterId,
        nodeId,
        clusterName,
        namespace,
        role,
        cpu,
        memory,
        volumeSize,
        mountPoint,
        newImage,
        tags,
        stopped);
  }

  /** The spec to build manifests from. */
  NodeSpec spec() {
    return NodeSpec.builder()
        .ref(ref())
        .clusterName(clusterName)
        .namespace(namespace)
        .role(role)
        .cpu(cpu)
        .memory(memory)
        .volumeSize(volumeSize)
        .mountPoint(mountPoint)
        .image(image)
        .tags(tags)
        .build();
  }

  /** The resource the provider reports for this node. */
  NodeResource resource(String k8sNamespace, String address, boolean running) {
    return NodeResource.builder()
        .ref(ref())
        .role(role)
        .instanceId(k8sNamespace + "/" + Names.pod(nodeId))
        .address(address)
        .cpu(cpu)
        .memory(memory)
        .volumeSize(volumeSize)
        .volumeId(volumeSize > 0 ? Names.pvc(nodeId) : "")
        .image(image)
        .running(running)
        .tags(tags)
        .build();
  }
}
