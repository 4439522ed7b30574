package io.clusterlifecycle.spi.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A cluster's subtree as the nested JSON a command reads from {@code $LC_METADATA}: one object per
 * path segment, string leaves; a key that is also a parent keeps its value under {@code ""}, as the
 * local executor writes it (docs/design.md §9.3).
 */
final class MetadataJson {
  private MetadataJson() {}

  static String nested(Map<String, String> keys, String prefix) {
    ObjectNode top = Json.MAPPER.createObjectNode();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      String rel =
          e.getKey().length() > prefix.length()
              ? e.getKey().substring(prefix.length() + (prefix.equals("/") ? 0 : 1))
              : "";
      if (rel.isEmpty()) {
        top.put("", e.getValue());
        continue;
      }
      String[] segments = rel.split("/");
      ObjectNode at = top;
      for (int i = 0; i < segments.length - 1; i++) {
        JsonNode child = at.get(segments[i]);
        if (!(child instanceof ObjectNode)) {
          ObjectNode obj = Json.MAPPER.createObjectNode();
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
    return Json.write(top);
  }
}
