package io.clusterlifecycle.spi.ssh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A cluster's metadata subtree as the nested JSON of a node's {@code metadata.json}, the same shape
 * the local executor's file has (docs/design.md §4, §9.3): one object per path segment, string
 * leaves, and a key that also has keys under it becomes an object whose own value is the member
 * {@code ""}.
 */
final class MetadataJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MetadataJson() {}

  /**
   * Nests the keys under {@code prefix}.
   *
   * @param keys keys and values, all under {@code prefix}, sorted
   * @param prefix the cluster's path, such as {@code /clusters/c1}
   * @return the JSON text
   */
  static String of(Map<String, String> keys, String prefix) {
    ObjectNode top = JSON.createObjectNode();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      String k = e.getKey();
      String rel = k.length() > prefix.length() ? k.substring(prefix.length() + 1) : "";
      if (rel.isEmpty() || !k.startsWith(prefix)) {
        top.put("", e.getValue());
        continue;
      }
      String[] segments = rel.split("/");
      ObjectNode at = top;
      for (int i = 0; i < segments.length - 1; i++) {
        JsonNode child = at.get(segments[i]);
        if (!(child instanceof ObjectNode)) {
          ObjectNode obj = JSON.createObjectNode();
          if (child != null) {
            obj.set("", child);
          }
          at.set(segments[i], obj);
          child = obj;
        }
        at = (ObjectNode) child;
      }
      String last = segments[segments.length - 1];
      if (at.get(last) instanceof ObjectNode obj) {
        obj.put("", e.getValue());
      } else {
        at.put(last, e.getValue());
      }
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(top);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
