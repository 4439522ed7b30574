package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --metrics-port}: a replica that takes over a create whose engine was killed shows
 * the take-over, the resumed operation, its commands and its store calls in the Prometheus text it
 * serves on 127.0.0.1.
 */
class ServeMetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC =
      """
      name: slow
      version: "1"
      roles:
        - role: db
          count: 2
          services:
            start: {cmd: "sleep 1"}
      """;
  private static final Pattern URL =
      Pattern.compile("metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)");

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopProcesses() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void aReplicaTakingOverAKilledCreate_servesItsMeters(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, SPEC);
    Path home = dir.resolve("home");
    Path ta = dir.resolve("a.jsonl");
    Process a = cli(home, ta, null, "create", spec.toString(), "--name", "m");
    awaitTrace(ta, "COMMAND_STARTED");
    new ProcessBuilder("kill", "-9", String.valueOf(a.pid())).start().waitFor();
    assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();

    Path tb = dir.resolve("b.jsonl");
    Path err = dir.resolve("serve.err");
    Process serve =
        cli(
            home,
            tb,
            err,
            "serve",
            "--every",
            "1",
            "--health-every",
            "0",
            "--autoscale-every",
            "0",
            "--metrics-port",
            "0");
    AtomicReference<String> url = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Matcher m = URL.matcher(Files.exists(err) ? Files.readString(err) : "");
              return m.find() && url.compareAndSet(null, m.group(1));
            });
    awaitTrace(tb, "OPERATION_SUCCEEDED");

    HttpClient http = HttpClient.newHttpClient();
    AtomicReference<HttpResponse<String>> scraped = new AtomicReference<>();
    // the take-over is counted once its recovery has completed, just after the end is recorded
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              scraped.set(
                  http.send(
                      HttpRequest.newBuilder(URI.create(url.get())).build(),
                      HttpResponse.BodyHandlers.ofString()));
              return scraped.get().body().contains("lifecycle_takeovers_total{outcome=\"ok\"} 1");
            });
    HttpResponse<String> metrics = scraped.get();
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
    String body = metrics.body();
    System.out.println(
        "serve --metrics-port: " + url.get() + " served " + body.length() + " bytes");
    assertThat(lines(body, "lifecycle_operation_seconds_count"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("type=\"create\"", "resumed=\"true\"", "outcome=\"succeeded\"")
                    .endsWith(" 1"));
    assertThat(lines(body, "lifecycle_command_seconds_count"))
        .anySatisfy(l -> assertThat(l).contains("service=\"start\"", "outcome=\"ok\""));
    assertThat(lines(body, "lifecycle_store_calls_seconds_count"))
        .anySatisfy(l -> assertThat(l).contains("store=\"cluster\"", "method=\"put\""));
    assertThat(lines(body, "lifecycle_leases_held")).containsExactly("lifecycle_leases_held 0.0");
    assertThat(body).contains("jvm_memory_used_bytes");

    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(URI.create(url.get()))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(405);

    serve.destroy();
    assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
  }

  @Test
  void aReplica_reconcilesPeriodically_andTracesEachDrift(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("fast.yaml");
    Files.writeString(spec, SPEC.replace("sleep 1", "true"));
    Path home = dir.resolve("home");
    Process create =
        cli(home, null, dir.resolve("create.err"), "create", spec.toString(), "--name", "d");
    assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(create.exitValue()).isZero();
    Path node = home.resolve("nodes/d-db-1");
    try (java.util.stream.Stream<Path> files = Files.walk(node)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    Path trace = dir.resolve("serve.jsonl");
    Process serve =
        cli(
            home,
            trace,
            dir.resolve("serve.err"),
            "serve",
            "--health-every",
            "0",
            "--autoscale-every",
            "0",
            "--reconcile-every",
            "1");
    awaitTrace(trace, "DRIFT_FOUND");
    JsonNode drift =
        Files.readAllLines(trace).stream()
            .map(ServeMetricsIT::json)
            .filter(e -> e.get("event").asText().equals("DRIFT_FOUND"))
            .findFirst()
            .orElseThrow();
    assertThat(drift.get("node").asText()).isEqualTo("d-db-1");
    assertThat(drift.get("message").asText()).startsWith("MISSING: recorded RUNNING");
    assertThat(Files.readString(dir.resolve("serve.err"))).contains("reconciling every 1 s");
    serve.destroy();
    assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aMetricsPortInUse_isRefused_andNothingIsCreated(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Path home = dir.resolve("home");
      Path err = dir.resolve("serve.err");
      Process serve =
          cli(home, null, err, "serve", "--metrics-port", String.valueOf(taken.getLocalPort()));
      assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(serve.exitValue()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(Files.readString(err)).contains("--metrics-port", "cannot listen on 127.0.0.1:");
      assertThat(home).doesNotExist();
    }
  }

  private static List<String> lines(String body, String metric) {
    return body.lines()
        .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .toList();
  }

  private static void awaitTrace(Path trace, String event) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!Files.exists(trace)) {
                return false;
              }
              for (String line : Files.readAllLines(trace)) {
                try {
                  JsonNode e = JSON.readTree(line);
                  if (e.get("event").asText().equals(event)) {
                    return true;
                  }
                } catch (IOException partial) {
                  return false;
                }
              }
              return false;
            });
  }

  private Process cli(Path home, Path trace, Path err, String... args) throws IOException {
    List<String> cmd = CliJar.command(home, List.of("--lease", "3"));
    if (trace != null) {
      cmd.addAll(List.of("--trace", trace.toString()));
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectError(
                err == null
                    ? ProcessBuilder.Redirect.INHERIT
                    : ProcessBuilder.Redirect.to(err.toFile()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    started.add(p);
    return p;
  }
}
