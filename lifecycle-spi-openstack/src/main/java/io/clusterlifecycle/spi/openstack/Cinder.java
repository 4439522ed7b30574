package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The Cinder calls the adapter makes (volume API 3.42). */
final class Cinder {
  private final Api api;

  Cinder(Api api) {
    this.api = api;
  }

  CompletableFuture<List<Volume>> byName(String name) {
    return api.call(Service.VOLUME, "GET", "/volumes/detail?name=" + Api.q(name), null)
        .thenApply(
            body -> {
              List<Volume> found = new ArrayList<>();
              body.path("volumes").forEach(v -> found.add(Volume.of(v)));
              return found.stream().filter(v -> v.name().equals(name)).toList();
            });
  }

  CompletableFuture<Optional<Volume>> get(String id) {
    return api.callOrMissing(Service.VOLUME, "GET", "/volumes/" + id, null)
        .thenApply(b -> b.map(body -> Volume.of(body.path("volume"))));
  }

  CompletableFuture<Volume> create(String name, int size, Map<String, String> metadata) {
    ObjectNode body = Http.JSON.createObjectNode();
    ObjectNode v = body.putObject("volume");
    v.put("name", name);
    v.put("size", size);
    v.put("description", "data volume of lifecycle node " + name.replaceAll("-data$", ""));
    ObjectNode m = v.putObject("metadata");
    metadata.forEach(m::put);
    return api.call(Service.VOLUME, "POST", "/volumes", body)
        .thenApply(b -> Volume.of(b.path("volume")));
  }

  /** Extends a volume; with 3.42 an attached volume is extended online. */
  CompletableFuture<Void> extend(String id, int newSize) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.putObject("os-extend").put("new_size", newSize);
    return api.call(Service.VOLUME, "POST", "/volumes/" + id + "/action", body)
        .thenApply(b -> null);
  }

  /** Adds metadata items (keeps the others). */
  CompletableFuture<Void> addMetadata(String id, Map<String, String> items) {
    ObjectNode body = Http.JSON.createObjectNode();
    ObjectNode m = body.putObject("metadata");
    items.forEach(m::put);
    return api.call(Service.VOLUME, "POST", "/volumes/" + id + "/metadata", body)
        .thenApply(b -> null);
  }

  CompletableFuture<Void> delete(String id) {
    return api.callOrMissing(Service.VOLUME, "DELETE", "/volumes/" + id, null).thenApply(b -> null);
  }
}
