package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Authenticated calls to the services of the catalog: adds the token and the service's microversion
 * headers, authenticates again once when a token is refused (401), and maps every other refusal
 * through {@link ApiErrors}.
 */
final class Api {
  private final Keystone keystone;
  private final Http http;

  Api(Keystone keystone, Http http) {
    this.keystone = keystone;
    this.http = http;
  }

  /** Sends a request and completes with its 2xx body; any other status fails the future. */
  CompletableFuture<JsonNode> call(Service service, String method, String path, JsonNode body) {
    return send(service, method, path, body)
        .thenApply(
            r -> {
              if (!r.ok()) {
                throw ApiErrors.of(service.type(), method + " " + strip(path), r);
              }
              return r.body();
            });
  }

  /** Like {@link #call}, but a 404 completes with empty. */
  CompletableFuture<Optional<JsonNode>> callOrMissing(
      Service service, String method, String path, JsonNode body) {
    return send(service, method, path, body)
        .thenApply(
            r -> {
              if (r.status() == 404) {
                return Optional.empty();
              }
              if (!r.ok()) {
                throw ApiErrors.of(service.type(), method + " " + strip(path), r);
              }
              return Optional.of(r.body());
            });
  }

  /** Sends a request, completing with any status; a 401 is retried once with a new token. */
  CompletableFuture<Response> send(Service service, String method, String path, JsonNode body) {
    return attempt(service, method, path, body)
        .thenCompose(
            first -> {
              if (first.response().status() != 401) {
                return CompletableFuture.completedFuture(first.response());
              }
              keystone.invalidate(first.session());
              return attempt(service, method, path, body).thenApply(Attempt::response);
            });
  }

  private record Attempt(Session session, Response response) {}

  private CompletableFuture<Attempt> attempt(
      Service service, String method, String path, JsonNode body) {
    return keystone
        .session()
        .thenCompose(
            session -> {
              URI endpoint =
                  session
                      .endpoint(service.types())
                      .orElseThrow(
                          () ->
                              new OpenStackApiException(
                                  service.type(),
                                  0,
                                  "the catalog has no "
                                      + service.type()
                                      + " endpoint for this interface and region"));
              Map<String, String> headers = new HashMap<>(service.headers());
              headers.put("X-Auth-Token", session.token());
              URI uri = URI.create(service.base(endpoint) + path);
              return http.send(service.type(), method, uri, headers, body)
                  .thenApply(r -> new Attempt(session, r));
            });
  }

  /** Encodes a query parameter's value. */
  static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String strip(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }
}
