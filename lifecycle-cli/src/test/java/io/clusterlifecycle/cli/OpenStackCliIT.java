package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.testsupport.OpenStackStack;
import io.clusterlifecycle.testsupport.SshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --infra openstack} end to end through the command-line tool on the real OpenStack of
 * lifecycle-test-support, with the credentials in a {@code clouds.yaml} ({@code --os-cloud}, {@code
 * --clouds-yaml}) and {@code --os-network none}. The fake driver's servers have no address an SSH
 * client could reach, so the spec's role has no service commands: what is checked is the provider
 * the tool opens, through Nova and Cinder (servers with our metadata and attached volumes, SHUTOFF
 * after stop, ACTIVE after start, gone after delete). Commands over SSH to Nova servers are checked
 * by OpenStackEngineIT (lifecycle-spi-openstack), which routes them through an address mapping.
 */
class OpenStackCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC =
      String.join(
          "\n",
          "name: kv",
          "version: \"1\"",
          "roles:",
          "  - role: storage",
          "    count: 2",
          "    cpu: 1",
          "    memory: 512",
          "    volume: {size: 1, mount_point: /data}",
          "");

  @TempDir static Path dir;
  private static OpenStackStack stack;
  private static Path cloudsYaml;
  private static Path spec;
  private static Path key;

  @BeforeAll
  static void start() throws Exception {
    stack = OpenStackStack.shared();
    Map<String, String> env = stack.environment();
    cloudsYaml = dir.resolve("clouds.yaml");
    Files.write(
        cloudsYaml,
        List.of(
            "clouds:",
            "  test-stack:",
            "    auth:",
            "      auth_url: " + env.get("OS_AUTH_URL"),
            "      username: " + env.get("OS_USERNAME"),
            "      password: " + env.get("OS_PASSWORD"),
            "      project_name: " + env.get("OS_PROJECT_NAME"),
            "      user_domain_name: " + env.get("OS_USER_DOMAIN_NAME"),
            "      project_domain_name: " + env.get("OS_PROJECT_DOMAIN_NAME"),
            "    region_name: " + env.get("OS_REGION_NAME"),
            "    interface: " + env.get("OS_INTERFACE")));
    spec = dir.resolve("kv.yaml");
    Files.writeString(spec, SPEC);
    try (SshServer keys = SshServer.start()) {
      key = dir.resolve("id");
      Files.copy(keys.clientKey(), key);
    }
  }

  private static LifecycleCliTest.Result cli(Path home, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--home",
                home.toString(),
                "--infra",
                "openstack",
                "--os-cloud",
                "test-stack",
                "--clouds-yaml",
                cloudsYaml.toString(),
                "--os-network",
                "none",
                "--os-image",
                "tiny",
                "--ssh-key",
                key.toString(),
                "--host-key-check",
                "accept-new",
                "--known-hosts",
                dir.resolve("known_hosts").toString()));
    all.addAll(List.of(args));
    return LifecycleCliTest.run(all.toArray(String[]::new));
  }

  /** Our servers in Nova, by name, as {@code openstack server list --long -f json} shows them. */
  private static Map<String, JsonNode> servers(String clusterId) throws Exception {
    JsonNode list = JSON.readTree(stack.openstack("server", "list", "--long", "-f", "json"));
    Map<String, JsonNode> ours = new HashMap<>();
    for (JsonNode s : list) {
      if (clusterId.equals(s.path("Properties").path(NodeSpec.TAG_CLUSTER).asText())) {
        ours.put(s.path("Name").asText(), s);
      }
    }
    return ours;
  }

  private static List<String> statuses(Map<String, JsonNode> servers) {
    return servers.values().stream().map(s -> s.path("Status").asText()).toList();
  }

  @Test
  void createStopStartDelete_onNova() throws Exception {
    Path home = dir.resolve("home");

    LifecycleCliTest.Result created =
        cli(home, "--json", "create", spec.toString(), "--name", "kv1");

    assertThat(created.code()).as(created.err()).isZero();
    JsonNode c = JSON.readTree(created.out());
    assertThat(c.get("state").asText()).isEqualTo("RUNNING");
    String id = c.get("id").asText();
    Map<String, JsonNode> servers = servers(id);
    Files.writeString(
        Path.of("target", "openstack-server-list-cli.txt"),
        stack.openstack("server", "list", "--long"));
    assertThat(servers.keySet()).containsExactlyInAnyOrder("kv1-storage-1", "kv1-storage-2");
    for (Map.Entry<String, JsonNode> s : servers.entrySet()) {
      assertThat(s.getValue().path("Properties").path(NodeSpec.TAG_NODE).asText())
          .isEqualTo(s.getKey());
      assertThat(s.getValue().path("Status").asText()).isEqualTo("ACTIVE");
    }
    JsonNode volumes = JSON.readTree(stack.openstack("volume", "list", "--long", "-f", "json"));
    assertThat(volumes)
        .filteredOn(v -> id.equals(v.path("Properties").path(NodeSpec.TAG_CLUSTER).asText()))
        .extracting(v -> v.path("Status").asText())
        .containsExactly("in-use", "in-use");

    LifecycleCliTest.Result stopped = cli(home, "--json", "stop", "kv1");
    assertThat(stopped.code()).as(stopped.err()).isZero();
    assertThat(statuses(servers(id))).containsExactly("SHUTOFF", "SHUTOFF");

    LifecycleCliTest.Result started = cli(home, "--json", "start", "kv1");
    assertThat(started.code()).as(started.err()).isZero();
    assertThat(statuses(servers(id))).containsExactly("ACTIVE", "ACTIVE");

    LifecycleCliTest.Result deleted = cli(home, "delete", "kv1");
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(servers(id)).isEmpty();
  }
}
