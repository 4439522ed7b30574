package io.clusterlifecycle.spi.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The JSON of the files this package owns (resources, addresses, the metadata tree). */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * Parses an object.
   *
   * @throws IllegalStateException naming {@code what} when the text is not a JSON object
   */
  static ObjectNode readObject(String text, String what) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node instanceof ObjectNode o) {
        return o;
      }
      throw new IllegalStateException(what + " is not a JSON object");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  static ObjectNode strings(Map<String, String> map) {
    ObjectNode o = object();
    map.forEach(o::put);
    return o;
  }
}
