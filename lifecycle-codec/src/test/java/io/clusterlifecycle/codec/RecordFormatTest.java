package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.NodeState;
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
        .role("db", r -> r.count(2).service("start", "s").service("promote", "p")).build();
  }

  private static Cluster upgradedAndPromoted() {
    return Cluster.builder("c-1", "demo", spec("2"), T)
        .previousSpec(Optional.of(spec("1")))
        .putNode(new Node("demo-db-1", "db", 1, NodeState.RUNNING, "10.0.0.1", "i-1", 1, 1024,
            0, "pg:2", "2"))
        .putNode(new Node("demo-db-2", "db", 2, NodeState.RUNNING, "10.0.0.2", "i-2", 1, 1024,
            0, "pg:1", "1"))
        .primary("db", "demo-db-2")
        .build();
  }

  @Test
  void nodes_areKeptByRoleOrderThenIndex_replacedById_andFoundById() {
    AppSpec spec = AppSpec.builder("kv", "1")
        .role("zk", r -> r.count(1).service("start", "s"))
        .role("broker", r -> r.count(1).service("start", "s")).build();
    Cluster.Builder b = Cluster.builder("c-2", "kv", spec, T);
    for (int i = 3; i >= 1; i--) {
      b.putNode(new Node("kv-broker-" + i, "broker", i, NodeState.RUNNING, "", "", 1, 1, 0,
          "", "1"));
      b.putNode(new Node("kv-zk-" + i, "zk", i, NodeState.RUNNING, "", "", 1, 1, 0, "", "1"));
    }
    b.putNode(new Node("kv-zk-2", "zk", 2, NodeState.STOPPED, "", "", 1, 1, 0, "", "1"));
    b.removeNode("kv-broker-3");
    Cluster c = b.build();
    assertThat(c.nodes()).extracting(Node::id).containsExactly("kv-zk-1", "kv-zk-2", "kv-zk-3",
        "kv-broker-1", "kv-broker-2");
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
    assertThat(old.nodes()).extracting(Node::version).containsOnly("");
    assertThat(old.specOf(old.nodes().get(0)).version()).isEqualTo("2");
    assertThat(old.primary("db")).map(Node::id).contains("demo-db-1");
  }

  @Test
  void backup_roundTrips_andFindsArtifactsByRolePosition() {
    Backup b = new Backup("bk-1", "c-1", "demo", "default", spec("2"), Map.of("k", "v"),
        Map.of("db", 2), List.of(new Backup.Artifact("demo-db-3", "db", 3, "bk-1/demo-db-3"),
            new Backup.Artifact("demo-db-1", "db", 1, "bk-1/demo-db-1")), T);
    assertThat(RecordCodec.read(RecordCodec.write(b), Backup.class)).isEqualTo(b);
    assertThat(b.artifact("db", 0)).map(Backup.Artifact::node).contains("demo-db-1");
    assertThat(b.artifact("db", 1)).map(Backup.Artifact::node).contains("demo-db-3");
    assertThat(b.artifact("db", 2)).isEmpty();
  }
}
