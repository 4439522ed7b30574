package io.clusterlifecycle.events.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** The JSON both message types share: one mapper, and timestamps as ISO-8601 in UTC. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** Starts a message of a schema: its {@code schema}, {@code type} and {@code source} fields. */
  static ObjectNode message(String schema, String type, String source) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("schema", schema);
    o.put("type", type);
    o.put("source", source);
    return o;
  }

  /** Renders an instant as ISO-8601 in UTC, {@code 2026-01-31T12:00:00.123Z}. */
  static String time(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  /** Writes a document as UTF-8 JSON. */
  static byte[] bytes(ObjectNode document) {
    try {
      return MAPPER.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a message as JSON", e);
    }
  }
}
