package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the adapter reads of a Nova server (compute API 2.79).
 *
 * @param id the server's id
 * @param name its name (the node id)
 * @param status e.g. {@code BUILD}, {@code ACTIVE}, {@code SHUTOFF}, {@code VERIFY_RESIZE}
 * @param taskState the task in progress, if any (e.g. {@code resize_prep})
 * @param metadata its metadata (the node's tags)
 * @param vcpus the flavor's cores
 * @param ram the flavor's memory, MiB
 * @param flavorName the flavor's name
 * @param imageId the image it booted from; empty for a volume-booted server
 * @param addresses every address, floating ones first
 * @param accessIpv4 its {@code accessIPv4}, possibly empty
 * @param fault Nova's fault message, for a server in {@code ERROR}
 * @param volumeIds the volumes attached to it
 */
record Server(
    String id,
    String name,
    String status,
    Optional<String> taskState,
    Map<String, String> metadata,
    int vcpus,
    int ram,
    String flavorName,
    String imageId,
    List<String> addresses,
    String accessIpv4,
    Optional<String> fault,
    List<String> volumeIds) {

  Server {
    metadata = Map.copyOf(metadata);
    addresses = List.copyOf(addresses);
    volumeIds = List.copyOf(volumeIds);
  }

  /** Reads a server object ({@code {"server": {...}}}'s inner object). */
  static Server of(JsonNode s) {
    Map<String, String> metadata = new LinkedHashMap<>();
    s.path("metadata")
        .fields()
        .forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
    List<String> floating = new ArrayList<>();
    List<String> fixed = new ArrayList<>();
    s.path("addresses")
        .forEach(
            net ->
                net.forEach(
                    a -> {
                      String type = a.path("OS-EXT-IPS:type").asText("fixed");
                      (type.equals("floating") ? floating : fixed).add(a.path("addr").asText());
                    }));
    floating.addAll(fixed);
    List<String> volumes = new ArrayList<>();
    s.path("os-extended-volumes:volumes_attached").forEach(v -> volumes.add(v.path("id").asText()));
    JsonNode flavor = s.path("flavor");
    JsonNode task = s.path("OS-EXT-STS:task_state");
    String fault = s.path("fault").path("message").asText("");
    return new Server(
        s.path("id").asText(),
        s.path("name").asText(),
        s.path("status").asText(),
        task.isTextual() && !task.asText().isEmpty()
            ? Optional.of(task.asText())
            : Optional.empty(),
        metadata,
        flavor.path("vcpus").asInt(),
        flavor.path("ram").asInt(),
        flavor.path("original_name").asText(flavor.path("id").asText()),
        s.path("image").path("id").asText(""),
        floating,
        s.path("accessIPv4").asText(""),
        fault.isEmpty() ? Optional.empty() : Optional.of(fault),
        volumes);
  }

  /** Whether Nova has deleted the server (it may still be listed for a moment). */
  boolean deleted() {
    return status.equals("DELETED") || status.equals("SOFT_DELETED");
  }

  /** Whether no task is in progress on the server. */
  boolean settled() {
    return taskState.isEmpty();
  }

  /** The status with the task, for messages: {@code BUILD (spawning)}. */
  String describe() {
    return status + taskState.map(t -> " (" + t + ")").orElse("");
  }
}
