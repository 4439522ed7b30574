package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** The Nova calls the adapter makes: servers, their actions, flavors and volume attachments. */
final class Nova {
  private static final int PAGE = 500;
  private static final Pattern SPECIAL = Pattern.compile("([\\\\.\\[\\]{}()*+?^$|])");

  private final Api api;

  Nova(Api api) {
    this.api = api;
  }

  /** The server named exactly {@code name} (Nova's name filter is a regular expression). */
  CompletableFuture<List<Server>> byName(String name) {
    String escaped = "^" + SPECIAL.matcher(name).replaceAll("\\\\$1") + "$";
    return api.call(Service.COMPUTE, "GET", "/servers/detail?name=" + Api.q(escaped), null)
        .thenApply(
            body -> {
              List<Server> found = new ArrayList<>();
              body.path("servers").forEach(s -> found.add(Server.of(s)));
              return found.stream().filter(s -> s.name().equals(name) && !s.deleted()).toList();
            });
  }

  /**
   * Every server of the project, page by page. Servers in {@code DELETED} (which an admin may still
   * see for a moment while Nova removes them) are left out, here and in {@link #byName}.
   */
  CompletableFuture<List<Server>> all() {
    return page(Optional.empty(), new ArrayList<>());
  }

  private CompletableFuture<List<Server>> page(Optional<String> marker, List<Server> acc) {
    String path = "/servers/detail?limit=" + PAGE + marker.map(m -> "&marker=" + m).orElse("");
    return api.call(Service.COMPUTE, "GET", path, null)
        .thenCompose(
            body -> {
              int before = acc.size();
              body.path("servers").forEach(s -> acc.add(Server.of(s)));
              if (acc.size() - before < PAGE) {
                return CompletableFuture.completedFuture(
                    acc.stream().filter(s -> !s.deleted()).toList());
              }
              return page(Optional.of(acc.get(acc.size() - 1).id()), acc);
            });
  }

  CompletableFuture<Optional<Server>> get(String id) {
    return api.callOrMissing(Service.COMPUTE, "GET", "/servers/" + id, null)
        .thenApply(b -> b.map(body -> Server.of(body.path("server"))));
  }

  /** Creates a server; completes with its id. */
  CompletableFuture<String> create(ObjectNode server) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.set("server", server);
    return api.call(Service.COMPUTE, "POST", "/servers", body)
        .thenApply(b -> b.path("server").path("id").asText());
  }

  /** Runs a server action, e.g. {@code {"os-stop": null}}. */
  CompletableFuture<Void> action(String id, ObjectNode action) {
    return api.call(Service.COMPUTE, "POST", "/servers/" + id + "/action", action)
        .thenApply(b -> null);
  }

  CompletableFuture<Void> delete(String id) {
    return api.callOrMissing(Service.COMPUTE, "DELETE", "/servers/" + id, null)
        .thenApply(b -> null);
  }

  CompletableFuture<List<Flavor>> flavors() {
    return api.call(Service.COMPUTE, "GET", "/flavors/detail", null)
        .thenApply(
            body -> {
              List<Flavor> flavors = new ArrayList<>();
              for (JsonNode f : body.path("flavors")) {
                flavors.add(
                    new Flavor(
                        f.path("id").asText(),
                        f.path("name").asText(),
                        f.path("vcpus").asInt(),
                        f.path("ram").asInt(),
                        f.path("disk").asInt()));
              }
              return flavors;
            });
  }

  CompletableFuture<Void> attach(String serverId, String volumeId) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.putObject("volumeAttachment").put("volumeId", volumeId);
    return api.call(
            Service.COMPUTE, "POST", "/servers/" + serverId + "/os-volume_attachments", body)
        .thenApply(b -> null);
  }
}
