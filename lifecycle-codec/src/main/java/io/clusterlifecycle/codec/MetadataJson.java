package io.clusterlifecycle.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A cluster's metadata subtree as the nested JSON a command reads from {@code $LC_METADATA}
 * (docs/design.md §4, §9.3), the same for every executor: one object per path segment, string
 * leaves, and a key that also has keys under it becomes an object whose own value is the member
 * {@code ""}. Thread-safe.
 */
public final class MetadataJson {
  private MetadataJson() {}

  /**
   * Nests the keys under {@code prefix}.
   *
   * @param keys keys and values, all under {@code prefix}; sorted keys give sorted members
   * @param prefix the cluster's path, such as {@code /clusters/c1}, or {@code /}
   * @return the tree; a key equal to {@code prefix} is the top's {@code ""} member
   */
  public static ObjectNode nested(Map<String, String> keys, String prefix) {
    ObjectNode top = JsonNodeFactory.instance.objectNode();
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
          ObjectNode obj = JsonNodeFactory.instance.objectNode();
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
    return top;
  }
}
