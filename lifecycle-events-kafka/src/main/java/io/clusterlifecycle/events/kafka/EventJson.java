package io.clusterlifecycle.events.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.util.Optional;

/**
 * Renders a {@link LifecycleEvent} as a {@value KafkaEventPublisher#EVENT_SCHEMA} document
 * (docs/kafka.md): the event's fields in snake_case, those that do not apply left out.
 */
final class EventJson {
  private EventJson() {}

  static byte[] render(LifecycleEvent e, String source) {
    ObjectNode o = Json.message(KafkaEventPublisher.EVENT_SCHEMA, "event", source);
    o.put("seq", e.seq());
    o.put("ts", Json.time(e.ts()));
    o.put("event", e.event().name());
    text(o, "cluster", e.cluster());
    text(o, "operation", e.operation());
    e.opType().ifPresent(t -> o.put("op_type", t.name()));
    text(o, "stage", e.stage());
    text(o, "role", e.role());
    text(o, "node", e.node());
    text(o, "service", e.service());
    e.order().ifPresent(v -> o.put("order", v));
    e.exitCode().ifPresent(v -> o.put("exit_code", v));
    text(o, "path", e.path());
    text(o, "from", e.from());
    text(o, "to", e.to());
    text(o, "message", e.message());
    if (!e.results().isEmpty()) {
      ObjectNode results = o.putObject("results");
      e.results().forEach(results::put);
    }
    return Json.bytes(o);
  }

  private static void text(ObjectNode o, String field, Optional<String> value) {
    value.ifPresent(v -> o.put(field, v));
  }
}
