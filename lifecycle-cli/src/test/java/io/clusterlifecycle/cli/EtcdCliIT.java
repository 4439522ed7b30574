package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.spi.etcd.EtcdMetadataStore;
import io.clusterlifecycle.testsupport.EtcdServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lifecycle} tool on a real etcd. {@code --metadata etcd://…} publishes the tree there
 * while the records stay in the home. And the takeover: two engine processes share one etcd ({@code
 * --store etcd://…}: records, journal and metadata tree). One runs {@code add-nodes} and is killed
 * with SIGKILL in the middle; the other, a {@code serve} replica on another (pretend) host, takes
 * the operation over once the dead engine's etcd lease has expired, and finishes it without
 * creating any node a second time.
 */
class EtcdCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CLI =
      Path.of(System.getProperty("lifecycle.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("lifecycle-cli/target/lifecycle-cli.jar");
  private static final long LEASE_SECONDS = 3;
  private static final String SPEC =
      """
      name: slow
      version: "1"
      roles:
        - role: db
          count: 2
          min_nodes: 1
          max_nodes: 10
          advanced_actions: [scale_horizontal]
          services:
            init: {cmd: "sleep 0.5"}
            start: {cmd: "sleep 1.5"}
            scale_out: {cmd: "sleep 0.5"}
      """;

  private static EtcdServer etcd;
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void stopProcesses() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void metadataInEtcd_recordsInTheHome_andNodesStillReadTheirTree(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, SPEC);
    Path home = dir.resolve("home");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                CLI.toString(),
                "--home",
                home.toString(),
                "--metadata",
                etcd.url(),
                "--json",
                "create",
                spec.toString(),
                "--name",
                "m"));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    started.add(p);
    JsonNode c = JSON.readTree(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isZero();
    String id = c.get("id").asText();
    try (EtcdMetadataStore tree = EtcdMetadataStore.open(etcd.url())) {
      Map<String, String> keys = tree.get("/clusters/" + id).toCompletableFuture().join();
      assertThat(keys)
          .containsEntry("/clusters/" + id + "/cluster/name", "m")
          .containsEntry("/clusters/" + id + "/hosts/db/m-db-1/node_id", "m-db-1")
          .containsEntry("/clusters/" + id + "/hosts/db/m-db-2/node_id", "m-db-2");
    }
    assertThat(home.resolve(Session.STORE_FILE)).exists();
    assertThat(Files.readString(home.resolve("nodes/m-db-2/metadata.json")))
        .contains("\"m-db-1\"", "\"m-db-2\"");
  }

  @Test
  void aKilledEngine_sOperation_isTakenOverByAnotherAfterItsLeaseExpires(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, SPEC);
    Path home = dir.resolve("home");
    assertThat(cli(home, "host-a", null, "create", spec.toString(), "--name", "c").waitFor())
        .isZero();

    Path tb = dir.resolve("b.jsonl");
    Process b = cli(home, "host-b", tb, "serve", "--every", "1");
    Path ta = dir.resolve("a.jsonl");
    Process a = cli(home, "host-a", ta, "add-nodes", "c", "--role", "db", "--count", "3");

    // kill the first engine once its new nodes exist and their commands are running
    List<JsonNode> before =
        awaitTrace(
            ta, Duration.ofSeconds(60), e -> e.get("event").asText().equals("COMMAND_STARTED"));
    new ProcessBuilder("kill", "-9", String.valueOf(a.pid())).start().waitFor();
    Instant killed = Instant.now();
    assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(a.exitValue()).isEqualTo(137);
    String operation = before.get(0).get("operation").asText();

    List<JsonNode> after =
        awaitTrace(
            tb, Duration.ofSeconds(60), e -> e.get("event").asText().equals("OPERATION_SUCCEEDED"));
    JsonNode resumed =
        after.stream()
            .filter(e -> e.get("event").asText().equals("OPERATION_STARTED"))
            .findFirst()
            .orElseThrow();
    assertThat(resumed.get("operation").asText()).isEqualTo(operation);
    assertThat(resumed.get("message").asText()).startsWith("resumed:");
    Instant tookOver = Instant.parse(resumed.get("ts").asText());
    System.out.printf(
        "etcd takeover: engine A killed, replica B resumed %s after (lease %d s)%n",
        Duration.between(killed, tookOver), LEASE_SECONDS);
    assertThat(Duration.between(killed, tookOver))
        .as("the replica waits for the dead engine's %d s etcd lease to expire", LEASE_SECONDS)
        .isGreaterThan(Duration.ofSeconds(LEASE_SECONDS - 1))
        .isLessThan(Duration.ofSeconds(LEASE_SECONDS + 10));

    // no node was created twice: each node has the one address it was created with
    Map<String, String> createdBy = new HashMap<>();
    Map<String, String> address = new HashMap<>();
    for (List<JsonNode> trace : List.of(readTrace(ta), after)) {
      for (JsonNode e : trace) {
        if (e.get("event").asText().equals("RESOURCE_CREATED")) {
          String node = e.get("node").asText();
          String addr = e.get("message").asText();
          assertThat(address.putIfAbsent(node, addr)).as("address of " + node).isIn(null, addr);
          createdBy.putIfAbsent(node, trace == after ? "b" : "a");
        }
      }
    }
    assertThat(createdBy.keySet()).containsExactlyInAnyOrder("c-db-3", "c-db-4", "c-db-5");
    Set<String> nodeDirs = new TreeSet<>();
    try (var dirs = Files.list(home.resolve("nodes"))) {
      dirs.filter(Files::isDirectory).forEach(p -> nodeDirs.add(p.getFileName().toString()));
    }
    assertThat(nodeDirs).containsExactly("c-db-1", "c-db-2", "c-db-3", "c-db-4", "c-db-5");

    Process show = cli(home, "host-c", null, "--json", "show", "c");
    JsonNode c = JSON.readTree(show.getInputStream().readAllBytes());
    assertThat(show.waitFor()).isZero();
    assertThat(c.get("state").asText()).isEqualTo("RUNNING");
    assertThat(c.get("nodes").findValuesAsText("id"))
        .containsExactly("c-db-1", "c-db-2", "c-db-3", "c-db-4", "c-db-5");
    for (JsonNode n : c.get("nodes")) {
      assertThat(n.get("state").asText()).isEqualTo("RUNNING");
      assertThat("address " + n.get("ip").asText())
          .isEqualTo(address.getOrDefault(n.get("id").asText(), "address " + n.get("ip").asText()));
    }

    b.destroy();
    assertThat(b.waitFor(30, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
  }

  private static List<JsonNode> readTrace(Path trace) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (Files.exists(trace)) {
      for (String line : Files.readAllLines(trace)) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
    }
    return out;
  }

  /** Waits until the trace holds an event matching {@code until}; the events up to it. */
  private static List<JsonNode> awaitTrace(Path trace, Duration within, Predicate<JsonNode> until) {
    AtomicReference<List<JsonNode>> upTo = new AtomicReference<>();
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              List<JsonNode> events;
              try {
                events = readTrace(trace);
              } catch (IOException e) {
                events = List.of(); // a line being written
              }
              int match = 0;
              while (match < events.size() && !until.test(events.get(match))) {
                match++;
              }
              assertThat(match)
                  .as("a matching event in %s: %s", trace, events)
                  .isLessThan(events.size());
              upTo.set(events.subList(0, match + 1));
            });
    return upTo.get();
  }

  private Process cli(Path home, String host, Path trace, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                CLI.toString(),
                "--home",
                home.toString(),
                "--store",
                etcd.url(),
                "--lease",
                String.valueOf(LEASE_SECONDS)));
    if (trace != null) {
      cmd.addAll(List.of("--trace", trace.toString()));
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put(Session.ENGINE_HOST_ENV, host);
    Process p = pb.start();
    started.add(p);
    return p;
  }
}
