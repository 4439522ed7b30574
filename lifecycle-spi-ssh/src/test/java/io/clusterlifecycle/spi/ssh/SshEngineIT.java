package io.clusterlifecycle.spi.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testsupport.SshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine end to end over SSH: a static inventory of six hosts (127.0.0.1 to 127.0.0.6 on a real
 * sshd, each with a directory of its own) and the SSH executor, with the in-memory metadata and
 * cluster stores. Each node runs a small server process, as the local demo's do, that renders the
 * addresses of the cluster's hosts from {@code LC_METADATA}; the test follows it through create,
 * add nodes, delete nodes, restart and delete.
 */
class SshEngineIT {
  private static final int HOSTS = 6;
  private static final String PROGRAM =
      String.join(
          "\n",
          "set -u",
          "mode=$1",
          "cd \"$2\" || exit 1",
          "render() {",
          "  grep '\"ip\"' \"$LC_METADATA\" | cut -d'\"' -f4 | sort -u > ips.new && mv ips.new ips",
          "}",
          "alive() { [ -s run/pid ] && kill -0 \"$(cat run/pid)\" 2> /dev/null; }",
          "case \"$mode\" in",
          "  start)",
          "    mkdir -p run; render",
          "    alive && exit 0",
          "    setsid bash -c 'while :; do date +%s > run/heartbeat; sleep 0.5; done' \\",
          "      < /dev/null > /dev/null 2>&1 &",
          "    echo $! > run/pid ;;",
          "  stop)",
          "    if alive; then kill \"$(cat run/pid)\"; fi",
          "    rm -f run/pid ;;",
          "  reload) render ;;",
          "esac",
          "");

  private static SshServer sshd;
  private static Inventory inventory;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshServer.start(HOSTS);
    List<String> yaml = new ArrayList<>();
    yaml.add("defaults:");
    yaml.add("  user: " + sshd.user());
    yaml.add("  port: " + sshd.port());
    yaml.add("  key: " + sshd.clientKey());
    yaml.add("hosts:");
    for (String address : sshd.addresses()) {
      yaml.add("  - address: " + address);
      yaml.add("    directory: " + dir.resolve("host-" + address));
    }
    Path file = dir.resolve("hosts.yaml");
    Files.write(file, yaml);
    inventory = Inventory.load(file);
  }

  @AfterAll
  static void stop() {
    if (sshd != null) {
      sshd.close();
    }
  }

  private static AppSpec spec() {
    return AppSpec.builder("kv", "1.0")
        .role("coordinator", r -> server(r).count(1).cpu(1).memory(512))
        .role(
            "storage",
            r ->
                server(r)
                    .count(2)
                    .minNodes(1)
                    .maxNodes(4)
                    .cpu(2)
                    .memory(1024)
                    .volume(1, "/data")
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL))
        .build();
  }

  private static RoleSpec.Builder server(RoleSpec.Builder r) {
    return r.service(
            StandardService.INIT,
            "mkdir -p bin\ncat > bin/server <<'PROGRAM'\n" + PROGRAM + "PROGRAM\n")
        .service(StandardService.START, "bash bin/server start \"$PWD\"")
        .service(StandardService.STOP, "bash bin/server stop \"$PWD\"")
        .service(
            StandardService.RELOAD,
            s ->
                s.addWatch("/hosts").cmd("[ ! -f bin/server ] || bash bin/server reload \"$PWD\""));
  }

  @Test
  void createAddDeleteNodesRestartDelete_overSsh() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    try (SshCommandExecutor commands =
            SshCommandExecutor.builder()
                .knownHosts(sshd.knownHosts())
                .targets(inventory.targets())
                .metadata(metadata, "/clusters")
                .build();
        StaticInventoryProvider resources =
            StaticInventoryProvider.builder(inventory, commands)
                .claimsFile(dir.resolve("claims.json"))
                .build();
        LifecycleEngine engine =
            LifecycleEngine.builder()
                .resourceProvider(resources)
                .commandExecutor(commands)
                .metadataStore(metadata)
                .clusterStore(new InMemoryClusterStore())
                .scheduler(scheduler)
                .build()) {
      Cluster created = engine.create(CreateCluster.builder(spec(), "kv1").build());

      assertThat(created.nodes()).hasSize(3);
      assertServing(created);
      Node storage =
          created.nodes().stream()
              .filter(n -> n.role().equals("storage"))
              .findFirst()
              .orElseThrow();
      assertThat(nodeDirectory(storage).resolve("volume"))
          .isSymbolicLink()
          .satisfies(
              v -> assertThat(v.toRealPath()).isEqualTo(volumeDirectory(storage).toRealPath()));

      Cluster added = engine.addNodes(AddNodes.of("kv1", "storage", 1));
      assertThat(added.nodes()).hasSize(4);
      assertServing(added);

      Node leaving =
          added.nodes().stream().filter(n -> n.role().equals("storage")).findFirst().orElseThrow();
      long leavingPid = pid(leaving);
      Cluster shrunk = engine.deleteNodes(DeleteNodes.of("kv1", leaving.id()));
      assertThat(shrunk.nodes()).extracting(Node::id).doesNotContain(leaving.id());
      assertServing(shrunk);
      await()
          .atMost(Duration.ofSeconds(30))
          .alias("the deleted node's server was stopped")
          .until(() -> !Processes.running(leavingPid));
      assertThat(nodeDirectory(leaving)).doesNotExist();
      assertThat(volumeDirectory(leaving)).doesNotExist();

      Map<String, Long> before = pids(shrunk);
      engine.execute(RestartCluster.of("kv1"));
      Map<String, Long> after = pids(shrunk);
      assertServing(shrunk);
      for (String id : before.keySet()) {
        assertThat(after.get(id))
            .as("node %s runs a new server after restart", id)
            .isNotEqualTo(before.get(id));
        long old = before.get(id);
        await()
            .atMost(Duration.ofSeconds(30))
            .alias("node " + id + "'s old server stopped")
            .until(() -> !Processes.running(old));
      }

      engine.delete(DeleteCluster.of("kv1"));
      for (Node n : shrunk.nodes()) {
        long last = after.get(n.id());
        await()
            .atMost(Duration.ofSeconds(30))
            .alias("node " + n.id() + "'s server stopped by delete")
            .until(() -> !Processes.running(last));
        assertThat(nodeDirectory(n)).doesNotExist();
      }
      assertThat(resources.list(shrunk.id()).toCompletableFuture().join()).isEmpty();
    } finally {
      scheduler.shutdownNow();
    }
  }

  /** Every node's server runs and lists exactly the cluster's addresses. */
  private static void assertServing(Cluster c) {
    List<String> addresses =
        c.nodes().stream().map(n -> n.address().orElseThrow()).sorted().distinct().toList();
    assertThat(addresses).hasSize(c.nodes().size());
    for (Node n : c.nodes()) {
      Path nodeDir = nodeDirectory(n);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(Processes.running(pid(n))).as("node %s's server runs", n.id()).isTrue();
                assertThat(Files.readAllLines(nodeDir.resolve("ips")))
                    .as("the addresses node %s rendered", n.id())
                    .isEqualTo(addresses);
              });
    }
  }

  private static Map<String, Long> pids(Cluster c) throws IOException {
    Map<String, Long> pids = new TreeMap<>();
    for (Node n : c.nodes()) {
      pids.put(n.id(), pid(n));
    }
    return pids;
  }

  private static long pid(Node n) throws IOException {
    return Long.parseLong(Files.readString(nodeDirectory(n).resolve("run/pid")).strip());
  }

  private static Path nodeDirectory(Node n) {
    return Path.of(inventory.host(n.instanceId().orElseThrow()).orElseThrow().directory())
        .resolve("nodes")
        .resolve(n.id());
  }

  private static Path volumeDirectory(Node n) {
    return Path.of(
        inventory.host(n.instanceId().orElseThrow()).orElseThrow().volumeDirectory(n.id()));
  }
}
