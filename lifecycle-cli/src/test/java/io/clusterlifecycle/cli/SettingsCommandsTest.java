package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config}, {@code label}, {@code depend} and the settings options of {@code create}
 * in-process on a temporary home, with kafka depending on zookeeper as in the release manager seed:
 * kafka's nodes see zookeeper's config change in the tree their reload reads.
 */
class SettingsCommandsTest {
  static final String ZK =
      """
      name: zookeeper
      version: 6.1.0
      config:
        appConfig: {zookeeper: {image: "zookeeper:transwarp-5.2"}}
      parameters:
        - {name: replicas, type: integer, default: 3, min: 1, max: 9, path: appConfig.zookeeper.replicas}
        - {name: limitsMemory, type: number, default: 4, unit: Gi, path: appConfig.zookeeper.resources.memory_limit}
      roles:
        - role: zk
          count: 1
          cpu: 1
          memory: 256
          services:
            start: {cmd: 'echo start >> log'}
            reload: {cmd: 'cp "$LC_METADATA" seen.json', watch: [/env]}
      """;

  static final String KAFKA =
      """
      name: kafka
      version: 6.1.0
      roles:
        - role: broker
          count: 2
          max_nodes: 5
          cpu: 1
          memory: 256
          advanced_actions: [scale_horizontal]
          services:
            start: {cmd: 'echo start >> log'}
            reload: {cmd: 'cp "$LC_METADATA" seen.json', watch: [/links]}
      """;

  @TempDir Path home;

  @TempDir Path specDir;

  Path zk;
  Path kafka;

  @BeforeEach
  void writeSpecs() throws IOException {
    zk = Files.writeString(specDir.resolve("zk.yaml"), ZK);
    kafka = Files.writeString(specDir.resolve("kafka.yaml"), KAFKA);
  }

  LifecycleCliTest.Result run(String... args) {
    return new HomeCli(home).run(args);
  }

  /** Runs a command that must succeed and returns its output. */
  String ok(String... args) {
    return new HomeCli(home).ok(args);
  }

  /** Runs a command that must exit with {@code expected}; returns its stderr. */
  String exits(int expected, String... args) {
    return new HomeCli(home).exits(expected, args);
  }

  JsonNode seen(String node) throws IOException {
    return new ObjectMapper()
        .readTree(home.resolve("nodes").resolve(node).resolve("seen.json").toFile());
  }

  @Test
  void kafkaSeesZookeepersConfigChangeAndLabelsMerge() throws IOException {
    ok(
        "create",
        zk.toString(),
        "--name",
        "zk1",
        "--set",
        "appConfig.zookeeper.tick=2000",
        "--label",
        "team=data");
    ok("create", kafka.toString(), "--name", "kafka1", "--depend", "zookeeper=zk1");

    JsonNode config = new ObjectMapper().readTree(ok("--json", "config", "show", "zk1"));
    assertThat(config.at("/config/appConfig/zookeeper/replicas").asInt()).isEqualTo(3);
    assertThat(config.at("/config/appConfig/zookeeper/tick").asInt()).isEqualTo(2000);
    assertThat(config.at("/config/appConfig/zookeeper/resources/memory_limit").asText())
        .isEqualTo("4Gi");

    ok("config", "set", "zk1", "appConfig.zookeeper.tick=3000", "--param", "replicas=5");
    JsonNode kafkaSees = seen("kafka1-broker-1");
    assertThat(kafkaSees.at("/links/zookeeper/env/appConfig/zookeeper/replicas").asText())
        .isEqualTo("5");
    assertThat(kafkaSees.at("/links/zookeeper/env/appConfig/zookeeper/tick").asText())
        .isEqualTo("3000");
    assertThat(kafkaSees.at("/links/zookeeper/hosts/zk/zk1-zk-1/node_id").asText())
        .isEqualTo("zk1-zk-1");
    assertThat(seen("zk1-zk-1").at("/env/appConfig/zookeeper/replicas").asText()).isEqualTo("5");

    ok("config", "unset", "zk1", "appConfig.zookeeper.tick");
    assertThat(
            seen("kafka1-broker-2")
                .at("/links/zookeeper/env/appConfig/zookeeper/tick")
                .isMissingNode())
        .isTrue();

    ok("label", "zk1", "team=", "tier=gold");
    JsonNode shown = new ObjectMapper().readTree(ok("--json", "show", "zk1"));
    assertThat(shown.at("/labels/tier").asText()).isEqualTo("gold");
    assertThat(shown.at("/labels/team").isMissingNode()).isTrue();
    assertThat(shown.at("/labels/app.kubernetes.io~1managed-by").asText()).isEqualTo("lifecycle");
    assertThat(ok("list", "--selector", "tier=gold")).contains("zk1").doesNotContain("kafka1");

    assertThat(exits(2, "delete", "zk1"))
        .contains("clusters depend on default/zk1: default/kafka1");
    ok("depend", "kafka1", "zookeeper=");
    ok("delete", "zk1");
  }

  @Test
  void badSettingsExitTwoAndChangeNothing() throws IOException {
    ok("create", zk.toString(), "--name", "zk1");
    assertThat(exits(2, "config", "set", "zk1", "--param", "replicas=many"))
        .contains("request.params.replicas: must be integer, was many");
    assertThat(exits(2, "config", "set", "zk1", "--param", "replicas=10"))
        .contains("request.params.replicas: must be within [1, 9], was 10");
    assertThat(exits(2, "config", "set", "zk1", "--param", "nope=1"))
        .contains("declares no parameter 'nope'");
    assertThat(exits(2, "create", kafka.toString(), "--name", "k", "--depend", "zookeeper=ns/zk9"))
        .contains("no cluster ns/zk9 to depend on");
    assertThat(exits(2, "config", "frob", "zk1")).contains("must be show, set or unset");
    JsonNode config = new ObjectMapper().readTree(ok("--json", "config", "show", "zk1"));
    assertThat(config.at("/params").size()).isZero();
    assertThat(ok("list")).doesNotContain(" k ");
  }

  @Test
  void planPrintsTheResourceEstimateInEveryFormat() throws IOException {
    assertThat(ok("plan", kafka.toString(), "--name", "k1"))
        .contains(
            "resource estimate:\n"
                + "  broker: 2 nodes, 2 cpu, 512 MiB (change: +2 nodes, +2 cpu, +512 MiB)\n"
                + "  total: 2 nodes, 2 cpu, 512 MiB (change: +2 nodes, +2 cpu, +512 MiB)\n");
    JsonNode json =
        new ObjectMapper()
            .readTree(ok("plan", kafka.toString(), "--name", "k1", "--format", "json"));
    assertThat(json.at("/estimate/after/nodes").asInt()).isEqualTo(2);
    assertThat(json.at("/estimate/roles/0/change/memory_mib").asInt()).isEqualTo(512);
    assertThat(ok("plan", kafka.toString(), "--name", "k1", "--format", "mermaid"))
        .startsWith("%% resource estimate\n%% broker: 2 nodes");
    ok("create", kafka.toString(), "--name", "k1");
    assertThat(ok("plan", "k1", "--op", "add-nodes", "--role", "broker", "--count", "1"))
        .contains("  total: 3 nodes, 3 cpu, 768 MiB (change: +1 nodes, +1 cpu, +256 MiB)");
  }

  @Test
  void createRecordsAPluginAndUpgradeReplacesIt() throws IOException {
    ok(
        "create",
        zk.toString(),
        "--name",
        "zk1",
        "--plugin",
        "node-labels={\"labels\":{\"team\":\"data\"}}");
    JsonNode shown = new ObjectMapper().readTree(ok("--json", "show", "zk1"));
    assertThat(shown.at("/plugins").size()).isEqualTo(1);
    assertThat(shown.at("/plugins/0/name").asText()).isEqualTo("node-labels");
    assertThat(shown.at("/plugins/0/args").asText()).isEqualTo("{\"labels\":{\"team\":\"data\"}}");

    Path next = Files.writeString(specDir.resolve("zk2.yaml"), ZK.replace("6.1.0", "6.2.0"));
    ok(
        "upgrade",
        "zk1",
        next.toString(),
        "--disable-plugin",
        "node-labels",
        "--plugin",
        "placement:1.0={\"node_selector\":{\"disktype\":\"ssd\"}}");
    shown = new ObjectMapper().readTree(ok("--json", "show", "zk1"));
    assertThat(shown.at("/version").asText()).isEqualTo("6.2.0");
    assertThat(shown.at("/plugins").size()).isEqualTo(1);
    assertThat(shown.at("/plugins/0/name").asText()).isEqualTo("placement");
    assertThat(shown.at("/plugins/0/version").asText()).isEqualTo("1.0");

    assertThat(exits(2, "create", zk.toString(), "--name", "zk2", "--plugin", "istio={}"))
        .contains(
            "request.plugins[0]: no plugin 'istio' in this engine; registered: node-labels,"
                + " placement");
    assertThat(exits(2, "create", zk.toString(), "--name", "zk2", "--plugin", "node-labels=[1]"))
        .contains("request.plugins[0].args: node-labels arguments must be an object");
  }
}
