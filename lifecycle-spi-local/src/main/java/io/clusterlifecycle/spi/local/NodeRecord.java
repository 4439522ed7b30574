package io.clusterlifecycle.spi.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The content of a node's {@code resource.json}: what the provider created for it. The file is
 * replaced atomically on every change, so a reader sees the old content or the new, never a mix.
 *
 * @param keptVolume where the volume is being moved by a delete that keeps it, else empty
 */
record NodeRecord(
    String clusterId,
    String nodeId,
    String clusterName,
    String namespace,
    String role,
    String address,
    int cpu,
    int memory,
    int volumeSize,
    String mountPoint,
    String image,
    boolean running,
    Map<String, String> tags,
    String createdAt,
    String updatedAt,
    String keptVolume) {

  static final String RESOURCE_FILE = "resource.json";
  static final String VOLUME_DIR = "volume";
  static final String LOGS_DIR = "logs";
  private static final int FORMAT = 1;

  NodeRecord {
    tags = Map.copyOf(tags);
  }

  static NodeRecord created(NodeSpec spec, String address, String now) {
    Map<String, String> tags = new TreeMap<>(spec.tags());
    tags.put(NodeSpec.TAG_CLUSTER, spec.ref().clusterId());
    tags.put(NodeSpec.TAG_ROLE, spec.role());
    tags.put(NodeSpec.TAG_NODE, spec.ref().nodeId());
    return new NodeRecord(
        spec.ref().clusterId(),
        spec.ref().nodeId(),
        spec.clusterName(),
        spec.namespace(),
        spec.role(),
        address,
        spec.cpu(),
        spec.memory(),
        Math.max(0, spec.volumeSize()),
        spec.mountPoint().orElse(""),
        spec.image().orElse(""),
        true,
        tags,
        now,
        now,
        "");
  }

  NodeRef ref() {
    return new NodeRef(clusterId, nodeId);
  }

  boolean belongsTo(String cluster) {
    return clusterId.equals(cluster);
  }

  NodeResource toResource(LocalHome home) {
    Path dir = home.nodeDirectory(nodeId);
    return NodeResource.builder()
        .ref(ref())
        .role(role)
        .instanceId(dir.toString())
        .address(address)
        .cpu(cpu)
        .memory(memory)
        .volumeSize(volumeSize)
        .volumeId(volumeSize > 0 ? dir.resolve(VOLUME_DIR).toString() : "")
        .image(image)
        .running(running)
        .tags(tags)
        .build();
  }

  NodeRecord withRunning(boolean value, String now) {
    return new NodeRecord(
        clusterId,
        nodeId,
        clusterName,
        namespace,
        role,
        address,
        cpu,
        memory,
        volumeSize,
        mountPoint,
        image,
        value,
        tags,
        createdAt,
        now,
        keptVolume);
  }

  NodeRecord withSize(int newCpu, int newMemory, int newVolumeSize, String now) {
    return new NodeRecord(
        clusterId,
        nodeId,
        clusterName,
        namespace,
        role,
        address,
        newCpu,
        newMemory,
        newVolumeSize,
        mountPoint,
        image,
        running,
        tags,
        createdAt,
        now,
        keptVolume);
  }

  NodeRecord withImage(String newImage, String now) {
    return new NodeRecord(
        clusterId,
        nodeId,
        clusterName,
        namespace,
        role,
        address,
        cpu,
        memory,
        volumeSize,
        mountPoint,
        newImage,
        running,
        tags,
        createdAt,
        now,
        keptVolume);
  }

  NodeRecord withKeptVolume(String path, String now) {
    return new NodeRecord(
        clusterId,
        nodeId,
        clusterName,
        namespace,
        role,
        address,
        cpu,
        memory,
        volumeSize,
        mountPoint,
        image,
        running,
        tags,
        createdAt,
        now,
        path);
  }

  /** Reads {@code <dir>/resource.json}; empty when the file does not exist. */
  static Optional<NodeRecord> read(Path nodeDir) throws IOException {
    Path file = nodeDir.resolve(RESOURCE_FILE);
    Optional<String> text = AtomicFiles.readIfExists(file);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode o = Json.readObject(text.get(), file.toString());
    Map<String, String> tags = new TreeMap<>();
    JsonNode t = o.get("tags");
    if (t != null) {
      t.properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
    }
    return Optional.of(
        new NodeRecord(
            Json.text(o, "cluster_id"),
            Json.text(o, "node_id"),
            Json.text(o, "cluster_name"),
            Json.text(o, "namespace"),
            Json.text(o, "role"),
            Json.text(o, "address"),
            o.path("cpu").asInt(),
            o.path("memory").asInt(),
            o.path("volume_size").asInt(),
            Json.text(o, "mount_point"),
            Json.text(o, "image"),
            o.path("running").asBoolean(),
            tags,
            Json.text(o, "created_at"),
            Json.text(o, "updated_at"),
            Json.text(o, "kept_volume")));
  }

  /** Replaces {@code <dir>/resource.json} atomically. */
  void write(Path nodeDir) throws IOException {
    ObjectNode o = Json.object();
    o.put("format", FORMAT);
    o.put("cluster_id", clusterId);
    o.put("node_id", nodeId);
    o.put("cluster_name", clusterName);
    o.put("namespace", namespace);
    o.put("role", role);
    o.put("address", address);
    o.put("cpu", cpu);
    o.put("memory", memory);
    o.put("volume_size", volumeSize);
    o.put("mount_point", mountPoint);
    o.put("image", image);
    o.put("running", running);
    o.set("tags", Json.strings(tags));
    o.put("created_at", createdAt);
    o.put("updated_at", updatedAt);
    if (!keptVolume.isEmpty()) {
      o.put("kept_volume", keptVolume);
    }
    AtomicFiles.writeString(nodeDir.resolve(RESOURCE_FILE), Json.write(o));
  }

  static boolean isNodeDirectoryName(Path dir) {
    String name = dir.getFileName().toString();
    return !name.startsWith(".") && Files.isDirectory(dir);
  }
}
