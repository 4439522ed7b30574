package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the adapter reads of a Cinder volume.
 *
 * @param id its id
 * @param name its name ({@code <node id>-data})
 * @param size GiB
 * @param status e.g. {@code creating}, {@code available}, {@code in-use}, {@code extending}
 * @param metadata its metadata (the node's tags)
 */
record Volume(String id, String name, int size, String status, Map<String, String> metadata) {
  Volume {
    metadata = Map.copyOf(metadata);
  }

  static Volume of(JsonNode v) {
    Map<String, String> metadata = new LinkedHashMap<>();
    v.path("metadata")
        .fields()
        .forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
    return new Volume(
        v.path("id").asText(),
        v.path("name").asText(),
        v.path("size").asInt(),
        v.path("status").asText(),
        metadata);
  }

  /** Whether the volume failed in a way no wait will cure. */
  boolean failed() {
    return status.startsWith("error");
  }
}
