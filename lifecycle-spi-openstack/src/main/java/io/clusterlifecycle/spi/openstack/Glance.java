package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Resolves an image, given by name or id, to the id of an active Glance image; caches hits. */
final class Glance {
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final Api api;
  private final Map<String, String> ids = new ConcurrentHashMap<>();

  Glance(Api api) {
    this.api = api;
  }

  /**
   * The id of the image.
   *
   * @throws OpenStackApiException (status 404) when no active image has that name or id
   */
  CompletableFuture<String> resolve(String image) {
    String known = ids.get(image);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    if (UUID.matcher(image).matches()) {
      return api.callOrMissing(Service.IMAGE, "GET", "/images/" + image, null)
          .thenApply(
              found ->
                  remember(image, found.filter(i -> "active".equals(i.path("status").asText()))));
    }
    return api.call(
            Service.IMAGE, "GET", "/images?status=active&name=" + Api.q("eq:" + image), null)
        .thenApply(
            body -> {
              JsonNode first = body.path("images").path(0);
              return remember(image, first.isMissingNode() ? Optional.empty() : Optional.of(first));
            });
  }

  private String remember(String image, Optional<JsonNode> found) {
    String id =
        found
            .map(i -> i.path("id").asText())
            .orElseThrow(
                () ->
                    new OpenStackApiException(
                        "image", 404, "no active image is named or has the id " + image));
    ids.put(image, id);
    return id;
  }
}
