package io.clusterlifecycle.spi.ssh;

import com.fasterxml.jackson.core.JsonProcessingException;
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
    ObjectNode top = io.clusterlifecycle.codec.MetadataJson.nested(keys, prefix);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(top);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
