package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stored JSON form of clusters and backups, and records written before a field existed. */
class RecordFormatTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00.123Z");

  private static AppSpec spec(String version) {
    return AppSpec.builder("pg", version)
        .role("db", r -> r.count(2).service("start", "s").service("promote", "p"))
        .build();
  }

  private static Cluster upgradedAndPromoted() {
    return Cluster.builder("c-1", "demo", spec("2"), T)
        .previousSpec(Optional.of(spec("1")))
        .putNode(
            Node.builder()
                .id("demo-db-1")
                .role("db")
                .index(1)
                .state(NodeState.RUNNING)
                .address("10.0.0.1")
                .instanceId("i-1")
                .cpu(1)
                .memory(1024)
                .volumeSize(0)
                .image("pg:2")
                .version("2")
                .build())
        .putNode(
            Node.builder()
                .id("demo-db-2")
                .role("db")
                .index(2)
                .state(NodeState.RUNNING)
                .address("10.0.0.2")
                .instanceId("i-2")
                .cpu(1)
                .memory(1024)
                .volumeSize(0)
                .image("pg:1")
                .version("1")
                .build())
        .primary("db", "demo-db-2")
        .build();
  }

  @Test
  void nodes_areKeptByRoleOrderThenIndex_replacedById_andFoundById() {
    AppSpec spec =
        AppSpec.builder("kv", "1")
            .role("zk", r -> r.count(1).service("start", "s"))
            .role("broker", r -> r.count(1).service("start", "s"))
            .build();
    Cluster.Builder b = Cluster.builder("c-2", "kv", spec, T);
    for (int i = 3; i >= 1; i--) {
      b.putNode(
          Node.builder()
              .id("kv-broker-" + i)
              .role("broker")
              .index(i)
              .state(NodeState.RUNNING)
              .address("")
              .instanceId("")
              .cpu(1)
              .memory(1)
              .volumeSize(0)
              .image("")
              .version("1")
              .build());
      b.putNode(
          Node.builder()
              .id("kv-zk-" + i)
              .role("zk")
              .index(i)
              .state(NodeState.RUNNING)
              .address("")
              .instanceId("")
              .cpu(1)
              .memory(1)
              .volumeSize(0)
              .image("")
              .version("1")
              .build());
    }
    b.putNode(
        Node.builder()
            .id("kv-zk-2")
            .role("zk")
            .index(2)
            .state(NodeState.STOPPED)
            .address("")
            .instanceId("")
            .cpu(1)
            .memory(1)
            .volumeSize(0)
            .image("")
            .version("1")
            .build());
    b.removeNode("kv-broker-3");
    Cluster c = b.build();
    assertThat(c.nodes())
        .extracting(Node::id)
        .containsExactly("kv-zk-1", "kv-zk-2", "kv-zk-3", "kv-broker-1", "kv-broker-2");
    assertThat(c.node("kv-zk-2")).map(Node::state).contains(NodeState.STOPPED);
    assertThat(c.node("kv-broker-3")).isEmpty();
    assertThat(c.nodes()).isEqualTo(List.copyOf(c.nodes()));
    Cluster back = RecordCodec.read(RecordCodec.write(c), Cluster.class);
    assertThat(back).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(back.node("kv-broker-2")).isPresent();
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void cluster_roundTripsWithPreviousSpecPrimariesAndNodeVersions() {
    Cluster c = upgradedAndPromoted();
    Cluster back = RecordCodec.read(RecordCodec.write(c), Cluster.class);
    assertThat(back).isEqualTo(c);
    assertThat(back.primary("db")).map(Node::id).contains("demo-db-2");
    assertThat(back.specOf(back.node("demo-db-2").orElseThrow()).version()).isEqualTo("1");
    assertThat(back.specOf(back.node("demo-db-1").orElseThrow()).version()).isEqualTo("2");
  }

  @Test
  void clusterWrittenBeforeVersionsExisted_readsWithDefaults() throws Exception {
    ObjectMapper m = new ObjectMapper();
    ObjectNode json = (ObjectNode) m.readTree(RecordCodec.write(upgradedAndPromoted()));
    json.remove("previous_spec");
    json.remove("primaries");
    ((ArrayNode) json.get("nodes")).forEach(n -> ((ObjectNode) n).remove("version"));

    Cluster old = RecordCodec.read(json.toString(), Cluster.class);

    assertThat(old.previousSpec()).isEmpty();
    assertThat(old.primaries()).isEmpty();
    assertThat(old.nodes()).extracting(Node::version).containsOnly(Optional.empty());
    assertThat(old.specOf(old.nodes().get(0)).version()).isEqualTo("2");
    assertThat(old.primary("db")).map(Node::id).contains("demo-db-1");
  }

  @Test
  void backup_roundTrips_andFindsArtifactsByRolePosition() {
    Backup b =
        Backup.builder()
            .id("bk-1")
            .clusterId("c-1")
            .clusterName("demo")
            .namespace("default")
            .spec(spec("2"))
            .env(Map.of("k", "v"))
            .roleCounts(Map.of("db", 2))
            .artifacts(
                List.of(
                    new Backup.Artifact("demo-db-3", "db", 3, "bk-1/demo-db-3"),
                    new Backup.Artifact("demo-db-1", "db", 1, "bk-1/demo-db-1")))
            .createdAt(T)
            .build();
    assertThat(RecordCodec.read(RecordCodec.write(b), Backup.class)).isEqualTo(b);
    assertThat(b.artifact("db", 0)).map(Backup.Artifact::node).contains("demo-db-1");
    assertThat(b.artifact("db", 1)).map(Backup.Artifact::node).contains("demo-db-3");
    assertThat(b.artifact("db", 2)).isEmpty();
  }

  @Test
  void absentText_isWrittenAsAnEmptyString_asBeforeItWasOptional_andReadsBackAsAbsent()
      throws Exception {
    Node pending =
        Node.builder()
            .id("demo-db-1")
            .role("db")
            .index(1)
            .state(NodeState.PENDING)
            .cpu(1)
            .memory(1024)
            .build();
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(RecordCodec.write(pending));

    assertThat(json.get("address").textValue()).isEmpty();
    assertThat(json.get("instance_id").textValue()).isEmpty();
    assertThat(json.get("image").textValue()).isEmpty();
    assertThat(json.get("version").textValue()).isEmpty();
    Node back = RecordCodec.read(json.toString(), Node.class);
    assertThat(back).isEqualTo(pending);
    assertThat(back.address()).isEmpty();
    assertThat(back.version()).isEmpty();
  }

  @Test
  void presentText_isWrittenAsAPlainString() throws Exception {
    Node running = upgradedAndPromoted().node("demo-db-1").orElseThrow();
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(RecordCodec.write(running));

    assertThat(json.get("address").textValue()).isEqualTo("10.0.0.1");
    assertThat(json.get("image").textValue()).isEqualTo("pg:2");
    assertThat(RecordCodec.read(json.toString(), Node.class).address()).contains("10.0.0.1");
  }

  @Test
  void planStep_keepsItsStoredKindName() throws Exception {
    Step step =
        ServiceStep.builder()
            .id("s-1")
            .node("demo-db-1")
            .role("db")
            .service("start")
            .order(1)
            .build();
    Plan plan =
        new Plan(
            "c-1",
            "demo",
            OperationType.CREATE,
            List.of(Stage.builder("start").addStep(step).build()));
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(RecordCodec.write(plan));
    assertThat(json.at("/stages/0/steps/0/kind").textValue()).isEqualTo("service");
    assertThat(RecordCodec.read(json.toString(), Plan.class)).isEqualTo(plan);
  }

  @Test
  void nodeActionStep_isStoredAsNodeAction_withItsActionAndSnapshot() throws Exception {
    Step step =
        new io.clusterlifecycle.api.plan.NodeActionStep(
            "s0-snapshot-create-demo-db-1",
            "demo-db-1",
            "db",
            io.clusterlifecycle.api.state.NodeAction.SNAPSHOT_CREATE,
            "before-upgrade");
    Plan plan =
        new Plan(
            "c-1",
            "demo",
            OperationType.ROLE_ACTION,
            List.of(Stage.builder("snapshot-create before-upgrade").addStep(step).build()));
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(RecordCodec.write(plan));
    assertThat(json.at("/stages/0/steps/0/kind").textValue()).isEqualTo("node_action");
    assertThat(json.at("/stages/0/steps/0/action").textValue()).isEqualTo("SNAPSHOT_CREATE");
    assertThat(RecordCodec.read(json.toString(), Plan.class)).isEqualTo(plan);
  }
}
