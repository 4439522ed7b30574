package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.testsupport.SshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --infra ssh} end to end through the command-line tool against a real OpenSSH server: an
 * inventory of four 127.0.0.x hosts (each with a directory of its own), the login key given with
 * {@code --ssh-key} and the hosts' keys with {@code --known-hosts}. Create, add a node, delete a
 * node, delete; and a host presenting a key other than the known one is refused before anything
 * runs on it.
 */
class SshInfraIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC =
      String.join(
          "\n",
          "name: kv",
          "version: \"1\"",
          "roles:",
          "  - role: storage",
          "    count: 2",
          "    min_nodes: 1",
          "    max_nodes: 4",
          "    volume: {size: 1, mount_point: /data}",
          "    advanced_actions: [scale_horizontal]",
          "    services:",
          "      init: {cmd: \"echo initialised > init.done\"}",
          "      start: {cmd: \"cp \\\"$LC_METADATA\\\" started.json\"}",
          "      stop: {cmd: \"rm -f started.json\"}",
          "      reload: {cmd: \"cp \\\"$LC_METADATA\\\" reloaded.json\"}",
          "");

  private static SshServer sshd;
  @TempDir static Path dir;
  private static Path spec;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshServer.start(4);
    spec = dir.resolve("kv.yaml");
    Files.writeString(spec, SPEC);
  }

  /**
   * An inventory of the four hosts, with a claims file of its own (beside it): each test places its
   * nodes on hosts of its own.
   */
  private static Path inventory(String name) throws IOException {
    List<String> yaml = new ArrayList<>();
    yaml.add("defaults:");
    yaml.add("  user: " + sshd.user());
    yaml.add("  port: " + sshd.port());
    yaml.add("hosts:");
    for (String address : sshd.addresses()) {
      yaml.add("  - address: " + address);
      yaml.add("    directory: " + dir.resolve("host-" + address));
    }
    Path inventory = dir.resolve(name + ".yaml");
    Files.write(inventory, yaml);
    return inventory;
  }

  @AfterAll
  static void stop() {
    if (sshd != null) {
      sshd.close();
    }
  }

  private static LifecycleCliTest.Result cli(
      Path home, Path inventory, Path knownHosts, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--home",
                home.toString(),
                "--infra",
                "ssh",
                "--inventory",
                inventory.toString(),
                "--ssh-key",
                sshd.clientKey().toString(),
                "--known-hosts",
                knownHosts.toString()));
    all.addAll(List.of(args));
    return LifecycleCliTest.run(all.toArray(String[]::new));
  }

  private static Path nodeDirectory(JsonNode node) {
    String address = node.get("ip").asText();
    return dir.resolve("host-" + address).resolve("nodes").resolve(node.get("id").asText());
  }

  @Test
  void createAddNodeDeleteNodeDelete_onInventoryHosts() throws IOException {
    Path home = dir.resolve("home");
    Path inventory = inventory("hosts");

    LifecycleCliTest.Result created =
        cli(
            home,
            inventory,
            sshd.knownHosts(),
            "--json",
            "create",
            spec.toString(),
            "--name",
            "kv1");

    assertThat(created.code()).as(created.err()).isZero();
    JsonNode c = JSON.readTree(created.out());
    assertThat(c.get("state").asText()).isEqualTo("RUNNING");
    assertThat(c.get("nodes")).hasSize(2);
    for (JsonNode n : c.get("nodes")) {
      Path nodeDir = nodeDirectory(n);
      assertThat(nodeDir.resolve("init.done")).hasContent("initialised");
      assertThat(Files.readString(nodeDir.resolve("started.json")))
          .as("the node's metadata.json, written on its host")
          .contains("\"kv1-storage-1\"", "\"kv1-storage-2\"");
      assertThat(nodeDir.resolve("volume")).isSymbolicLink();
    }
    assertThat(home.resolve(Session.STORE_FILE)).exists();

    LifecycleCliTest.Result added =
        cli(
            home,
            inventory,
            sshd.knownHosts(),
            "--json",
            "add-nodes",
            "kv1",
            "--role",
            "storage",
            "--count",
            "1");

    assertThat(added.code()).as(added.err()).isZero();
    JsonNode grown = JSON.readTree(added.out());
    assertThat(grown.get("nodes")).hasSize(3);
    JsonNode third = node(grown, "kv1-storage-3");
    assertThat(nodeDirectory(third).resolve("started.json")).exists();
    assertThat(
            Files.readString(nodeDirectory(node(grown, "kv1-storage-1")).resolve("reloaded.json")))
        .as("the old nodes reloaded with the new node's address")
        .contains("kv1-storage-3");

    LifecycleCliTest.Result shrunk =
        cli(home, inventory, sshd.knownHosts(), "--json", "delete-nodes", "kv1", "kv1-storage-1");

    assertThat(shrunk.code()).as(shrunk.err()).isZero();
    JsonNode after = JSON.readTree(shrunk.out());
    assertThat(after.get("nodes"))
        .extracting(n -> n.get("id").asText())
        .containsExactlyInAnyOrder("kv1-storage-2", "kv1-storage-3");
    assertThat(nodeDirectory(node(grown, "kv1-storage-1"))).doesNotExist();

    LifecycleCliTest.Result deleted = cli(home, inventory, sshd.knownHosts(), "delete", "kv1");

    assertThat(deleted.code()).as(deleted.err()).isZero();
    for (JsonNode n : after.get("nodes")) {
      assertThat(nodeDirectory(n)).doesNotExist();
    }
    LifecycleCliTest.Result list = cli(home, inventory, sshd.knownHosts(), "--json", "list");
    assertThat(JSON.readTree(list.out()).findValuesAsText("state")).containsOnly("DONE");
  }

  @Test
  void hostPresentingAnotherKey_isRefused_andNothingRunsOnIt() throws IOException {
    Path home = dir.resolve("home-mismatch");
    Path inventory = inventory("mismatch-hosts");
    Path known = dir.resolve("changed_known_hosts");
    List<String> lines = new ArrayList<>();
    for (String address : sshd.addresses()) {
      lines.add("[" + address + "]:" + sshd.port() + " " + sshd.otherPublicKey());
    }
    Files.write(known, lines);

    LifecycleCliTest.Result r =
        cli(home, inventory, known, "create", spec.toString(), "--name", "kv2");

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err())
        .contains("presented key SHA256:")
        .contains(known.toString() + " lists it with")
        .contains("replace its line in the known-hosts file")
        .contains("cluster kv2 is FAILED_DEPLOYING");
    for (String address : sshd.addresses()) {
      assertThat(dir.resolve("host-" + address).resolve("nodes").resolve("kv2-storage-1"))
          .doesNotExist();
    }
  }

  private static JsonNode node(JsonNode cluster, String id) {
    for (JsonNode n : cluster.get("nodes")) {
      if (n.get("id").asText().equals(id)) {
        return n;
      }
    }
    throw new AssertionError("no node " + id + " in " + cluster);
  }
}
