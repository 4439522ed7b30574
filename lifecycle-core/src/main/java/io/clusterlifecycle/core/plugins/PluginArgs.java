package io.clusterlifecycle.core.plugins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads plugin arguments of the shape {@code {"FIELD": {"key": "value", ...}}}. */
final class PluginArgs {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A Kubernetes label name: at most 63 alphanumerics, {@code -}, {@code _}, {@code .}. */
  private static final Pattern NAME =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)");

  /** A DNS subdomain, the optional prefix of a label key. */
  private static final Pattern PREFIX =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Prefix of the tags the engine itself puts on nodes, which plugins may not set. */
  static final String RESERVED = "lifecycle.";

  private PluginArgs() {}

  /**
   * Parses the arguments into the map under {@code field}, checking keys and values as labels.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Map<String, String> labels(String plugin, String args, String field) {
    String example = "{\"" + field + "\": {\"key\": \"value\"}}";
    if (args == null || args.isBlank()) {
      throw new IllegalArgumentException(plugin + " needs arguments such as " + example);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(args);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          plugin + " arguments are not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          plugin + " arguments must be an object such as " + example);
    }
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals(field)) {
        throw new IllegalArgumentException(
            plugin + " has no argument '" + name + "'; it takes only '" + field + "'");
      }
    }
    JsonNode map = root.get(field);
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new IllegalArgumentException(
          plugin + " argument '" + field + "' must be a non-empty object such as " + example);
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = map.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String key = e.getKey();
      checkKey(plugin, field, key);
      JsonNode v = e.getValue();
      if (!v.isTextual()) {
        throw new IllegalArgumentException(
            plugin + " " + field + "." + key + " must be a string, was " + v.getNodeType());
      }
      if (!v.asText().isEmpty() && !NAME.matcher(v.asText()).matches()) {
        throw new IllegalArgumentException(
            plugin
                + " "
                + field
                + "."
                + key
                + " must be at most 63 letters, digits, '-', '_' or '.', starting and ending"
                + " with a letter or digit, was '"
                + v.asText()
                + "'");
      }
      out.put(key, v.asText());
    }
    return out;
  }

  private static void checkKey(String plugin, String field, String key) {
    int slash = key.indexOf('/');
    String prefix = slash < 0 ? "" : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    boolean ok =
        NAME.matcher(name).matches()
            && (slash < 0 || (prefix.length() <= 253 && PREFIX.matcher(prefix).matches()));
    if (!ok) {
      throw new IllegalArgumentException(
          plugin
              + " "
              + field
              + " key '"
              + key
              + "' is not a label key: [prefix/]name, the name at most 63 letters, digits, '-',"
              + " '_' or '.', the prefix a DNS subdomain");
    }
    if (key.startsWith(RESERVED)) {
      throw new IllegalArgumentException(
          plugin
              + " "
              + field
              + " key '"
              + key
              + "' is reserved: keys starting with '"
              + RESERVED
              + "' are the engine's");
    }
  }
}
