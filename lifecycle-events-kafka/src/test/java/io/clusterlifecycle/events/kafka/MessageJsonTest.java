package io.clusterlifecycle.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two message types as JSON, against the tables of docs/kafka.md. */
class MessageJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant TS = Instant.parse("2026-12-03T19:00:01.250Z");

  private static JsonNode parse(byte[] bytes) throws Exception {
    return JSON.readTree(bytes);
  }

  private static List<String> fields(JsonNode o) {
    List<String> names = new ArrayList<>();
    o.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  @Test
  void anEventWithEveryField_hasEveryDocumentedEventField_inSnakeCase() throws Exception {
    LifecycleEvent e =
        new LifecycleEvent(
            42,
            TS,
            EventType.COMMAND_FINISHED,
            Optional.of("kv-1a2b3c"),
            Optional.of("op-0123456789"),
            Optional.of(OperationType.ADD_NODES),
            Optional.of("start (order 1)"),
            Optional.of("worker"),
            Optional.of("kv-worker-3"),
            Optional.of("start"),
            Optional.of(1),
            Optional.of(0),
            Optional.of("/clusters/kv-1a2b3c/hosts"),
            Optional.of("PENDING"),
            Optional.of("RUNNING"),
            Optional.of("done"),
            Map.of("port", "9092"));

    JsonNode o = parse(EventJson.render(e, "engine-a"));

    DocumentedSchema schema = DocumentedSchema.of(KafkaEventPublisher.EVENT_SCHEMA);
    schema.check(o);
    assertThat(fields(o)).containsExactlyInAnyOrderElementsOf(schema.fields().keySet());
    assertThat(o.path("schema").asText()).isEqualTo("lifecycle.event/1");
    assertThat(o.path("type").asText()).isEqualTo("event");
    assertThat(o.path("source").asText()).isEqualTo("engine-a");
    assertThat(o.path("seq").asLong()).isEqualTo(42);
    assertThat(o.path("ts").asText()).isEqualTo("2026-12-03T19:00:01.250Z");
    assertThat(o.path("event").asText()).isEqualTo("COMMAND_FINISHED");
    assertThat(o.path("op_type").asText()).isEqualTo("ADD_NODES");
    assertThat(o.path("exit_code").asInt()).isZero();
    assertThat(o.path("order").asInt()).isEqualTo(1);
    assertThat(o.path("results").path("port").asText()).isEqualTo("9092");
  }

  @Test
  void anEventWithFewFields_leavesOutTheOthers() throws Exception {
    LifecycleEvent e =
        LifecycleEvent.builder(EventType.WARNING).message("forced step failed").build(7, TS);

    JsonNode o = parse(EventJson.render(e, "engine-a"));

    DocumentedSchema.of(KafkaEventPublisher.EVENT_SCHEMA).check(o);
    assertThat(fields(o))
        .containsExactly("schema", "type", "source", "seq", "ts", "event", "message");
  }

  @Test
  void aStatus_countsNodesByState_andHasEveryDocumentedStatusField() throws Exception {
    Cluster c =
        Cluster.builder("kv-1a2b3c", "kv", Engines.spec(), TS)
            .state(ClusterState.SCALING)
            .operation("op-0123456789")
            .putNode(node("kv-master-1", "master", 1, NodeState.RUNNING))
            .putNode(node("kv-worker-1", "worker", 1, NodeState.RUNNING))
            .putNode(node("kv-worker-2", "worker", 2, NodeState.RUNNING))
            .putNode(node("kv-worker-3", "worker", 3, NodeState.DEPLOYING))
            .version(12)
            .updatedAt(TS.plusSeconds(5))
            .build();

    JsonNode o = parse(StatusJson.render(ClusterStatus.of(c), TS.plusSeconds(6), "engine-a"));

    DocumentedSchema schema = DocumentedSchema.of(KafkaEventPublisher.STATUS_SCHEMA);
    schema.check(o);
    assertThat(fields(o)).containsExactlyInAnyOrderElementsOf(schema.fields().keySet());
    assertThat(o.path("schema").asText()).isEqualTo("lifecycle.status/1");
    assertThat(o.path("type").asText()).isEqualTo("status");
    assertThat(o.path("ts").asText()).isEqualTo("2026-12-03T19:00:07.250Z");
    assertThat(o.path("cluster").asText()).isEqualTo("kv-1a2b3c");
    assertThat(o.path("name").asText()).isEqualTo("kv");
    assertThat(o.path("namespace").asText()).isEqualTo(Cluster.DEFAULT_NAMESPACE);
    assertThat(o.path("state").asText()).isEqualTo("SCALING");
    assertThat(o.path("operation").asText()).isEqualTo("op-0123456789");
    assertThat(o.path("app_name").asText()).isEqualTo("hadoop");
    assertThat(o.path("app_version").asText()).isEqualTo("3.4");
    assertThat(o.path("node_count").asInt()).isEqualTo(4);
    assertThat(fields(o.path("nodes_by_state"))).containsExactly("DEPLOYING", "RUNNING");
    assertThat(o.path("nodes_by_state").path("RUNNING").asInt()).isEqualTo(3);
    assertThat(o.path("nodes_by_state").path("DEPLOYING").asInt()).isEqualTo(1);
    assertThat(o.path("updated_at").asText()).isEqualTo("2026-12-03T19:00:06.250Z");
    assertThat(o.path("record_version").asLong()).isEqualTo(12);
  }

  @Test
  void anIdleClusterWithoutNodes_hasNoOperation_andAnEmptyCount() throws Exception {
    Cluster c = Cluster.builder("kv-1a2b3c", "kv", Engines.spec(), TS).build();

    JsonNode o = parse(StatusJson.render(ClusterStatus.of(c), TS, "engine-a"));

    DocumentedSchema.of(KafkaEventPublisher.STATUS_SCHEMA).check(o);
    assertThat(o.has("operation")).isFalse();
    assertThat(o.path("node_count").asInt()).isZero();
    assertThat(fields(o.path("nodes_by_state"))).isEmpty();
  }

  private static Node node(String id, String role, int index, NodeState state) {
    return Node.builder().id(id).role(role).index(index).state(state).cpu(1).memory(512).build();
  }
}
