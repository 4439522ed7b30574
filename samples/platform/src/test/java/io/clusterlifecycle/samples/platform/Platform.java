package io.clusterlifecycle.samples.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform started on a random port over the local infrastructure in a home of its own, with
 * the test charts as its repositories, and a real HTTP client to drive it.
 */
final class Platform implements AutoCloseable {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final ConfigurableApplicationContext context;
  private final Path home;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  private Platform(ConfigurableApplicationContext context, Path home) {
    this.context = context;
    this.home = home;
    int port =
        Objects.requireNonNull(
            context.getEnvironment().getProperty("local.server.port", Integer.class));
    this.base = URI.create("http://localhost:" + port);
  }

  /**
   * Starts the platform.
   *
   * @param home the library's home
   * @return the running platform
   */
  static Platform start(Path home) {
    Path charts = resource("/charts");
    Path index = resource("/index-repo");
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(PlatformApplication.class)
            .run(
                "--server.port=0",
                "--lifecycle.home=" + home,
                "--platform.repositories.local=" + charts,
                "--platform.repositories.qa=" + charts,
                "--platform.repositories.stable=" + index,
                "--spring.main.banner-mode=off");
    return new Platform(context, home);
  }

  Path home() {
    return home;
  }

  private static Path resource(String name) {
    try {
      return Path.of(Objects.requireNonNull(Platform.class.getResource(name)).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A node's directory under the local infrastructure's home. */
  Path nodeDir(String nodeId) {
    return home.resolve("nodes").resolve(nodeId);
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Response post(String path, String json) {
    return send(withBody(path).POST(body(json)));
  }

  Response put(String path, String json) {
    return send(withBody(path).PUT(body(json)));
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  /** Polls an operation accepted with 202 until it has ended, and returns its status. */
  JsonNode awaitEnded(String operationId) {
    String path = "/api/v1/operations/" + operationId;
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !get(path).text("state").equals("RUNNING"));
    Response done = get(path);
    assertThat(done.status()).isEqualTo(200);
    return done.body();
  }

  /** Installs a release synchronously and checks it is running. */
  JsonNode install(String namespace, String json) {
    Response r = post("/api/v1/release/" + namespace, json);
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    assertThat(r.text("state")).isEqualTo("RUNNING");
    return r.body();
  }

  private HttpRequest.Builder withBody(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return json == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json);
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofSeconds(90)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers().firstValue("Location"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    context.close();
  }

  /** An answer: status, raw body, and the body parsed as JSON. */
  record Response(int status, String raw, Optional<String> location) {

    JsonNode body() {
      return JSON.readTree(raw);
    }

    String text(String field) {
      JsonNode node = body().get(field);
      return node == null || node.isNull() ? null : node.asString();
    }
  }
}
