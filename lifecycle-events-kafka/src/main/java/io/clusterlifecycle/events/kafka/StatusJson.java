package io.clusterlifecycle.events.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Renders a {@link ClusterStatus} as a {@value KafkaEventPublisher#STATUS_SCHEMA} document
 * (docs/kafka.md).
 */
final class StatusJson {
  private StatusJson() {}

  static byte[] render(ClusterStatus s, Instant at, String source) {
    ObjectNode o = Json.message(KafkaEventPublisher.STATUS_SCHEMA, "status", source);
    o.put("ts", Json.time(at));
    o.put("cluster", s.cluster());
    o.put("name", s.name());
    o.put("namespace", s.namespace());
    o.put("state", s.state().name());
    s.operation().ifPresent(v -> o.put("operation", v));
    o.put("app_name", s.appName());
    o.put("app_version", s.appVersion());
    o.put("node_count", s.nodeCount());
    ObjectNode nodes = o.putObject("nodes_by_state");
    s.nodesByState().forEach((state, count) -> nodes.put(state.name(), count));
    o.put("updated_at", Json.time(s.updatedAt()));
    o.put("record_version", s.recordVersion());
    return Json.bytes(o);
  }
}
