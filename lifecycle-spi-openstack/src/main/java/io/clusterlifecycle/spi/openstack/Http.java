package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends one JSON request and parses the answer, asynchronously. A connection that fails or times
 * out completes the future with {@link TransientSpiException}; any HTTP status completes it
 * normally (the caller decides what a status means). Never logs headers or bodies: they hold tokens
 * and passwords.
 */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final Duration timeout;

  Http(HttpClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  /** Makes the client used when the caller gives none: HTTP/1.1 (uwsgi and eventlet APIs). */
  static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  CompletableFuture<Response> send(
      String service, String method, URI uri, Map<String, String> headers, JsonNode body) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .method(method, publisher)
            .header("Accept", "application/json")
            .header("User-Agent", "lifecycle-spi-openstack");
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    String what = method + " " + uri.getPath();
    return client
        .sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle(
            (r, error) -> {
              if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (cause instanceof IOException) {
                  throw new TransientSpiException(
                      service + " " + what + ": connection failed: " + cause, cause);
                }
                throw new CompletionException(cause);
              }
              return parse(r);
            });
  }

  private static Response parse(HttpResponse<String> r) {
    String text = r.body() == null ? "" : r.body();
    JsonNode json = MissingNode.getInstance();
    if (!text.isBlank()) {
      try {
        json = JSON.readTree(text);
      } catch (IOException e) {
        json = MissingNode.getInstance();
      }
    }
    return new Response(
        r.statusCode(),
        json,
        text.length() > 2000 ? text.substring(0, 2000) : text,
        r.headers().firstValue("X-Subject-Token"),
        r.headers().firstValue("Retry-After"));
  }
}
