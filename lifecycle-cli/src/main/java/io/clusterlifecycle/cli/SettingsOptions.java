package io.clusterlifecycle.cli;

import static io.clusterlifecycle.cli.ClusterCommands.badInput;
import static io.clusterlifecycle.cli.ClusterCommands.pairs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clusterlifecycle.api.plugin.PluginRef;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.spec.ConfigValues;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The settings options of {@code create} and {@code upgrade} (docs/design.md §15): {@code --values
 * FILE}, {@code --set KEY=VALUE}, {@code --param NAME=VALUE}, {@code --depend NAME=[NS/]CLUSTER}
 * {@code --label K=V}, {@code --plugin NAME[:VERSION]=ARGS_JSON} and {@code --disable-plugin NAME}.
 */
final class SettingsOptions {
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+\\.[0-9]+");

  @Option(
      names = "--values",
      paramLabel = "FILE",
      description = "A YAML or JSON file of config values, deep-merged over the spec's defaults.")
  Path valuesFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A config value at a dot-separated path (a.b.c=3); an empty value removes the key.")
  List<String> set = List.of();

  @Option(
      names = "--param",
      paramLabel = "NAME=VALUE",
      description = "A typed parameter of the spec; wins over values on the same path.")
  List<String> params = List.of();

  @Option(
      names = "--depend",
      paramLabel = "NAME=[NS/]CLUSTER",
      description = "Depend on another cluster, seen under /links/NAME; an empty value removes it.")
  List<String> depends = List.of();

  @Option(names = "--label", paramLabel = "K=V", description = "A label; K= removes one.")
  List<String> labels = List.of();

  @Option(
      names = "--plugin",
      paramLabel = "NAME[:VERSION]=ARGS_JSON",
      description =
          "Enable a plugin with its arguments as JSON (node-labels='{\"labels\":{\"team\":\"data\"}}',"
              + " placement='{\"node_selector\":{\"disktype\":\"ssd\"}}'); it applies to nodes"
              + " created afterwards.")
  List<String> plugins = List.of();

  @Option(
      names = "--disable-plugin",
      paramLabel = "NAME",
      description = "Remove a plugin from the cluster.")
  List<String> disabledPlugins = List.of();

  /** The change the options describe. */
  SettingsChange change() {
    Map<String, Object> values = new LinkedHashMap<>();
    if (valuesFile != null) {
      values.putAll(readValues(valuesFile));
    }
    values = ConfigValues.merge(values, paths(pairs(set, "--set")));
    Map<String, Object> typed = new LinkedHashMap<>();
    pairs(params, "--param").forEach((k, v) -> typed.put(k, scalar(v)));
    return new SettingsChange(
        values, typed, pairs(labels, "--label"), pairs(depends, "--depend"), pluginRefs());
  }

  /** {@code --plugin} then {@code --disable-plugin}, in the order given. */
  List<PluginRef> pluginRefs() {
    List<PluginRef> out = new ArrayList<>();
    for (String p : plugins) {
      int eq = p.indexOf('=');
      String ref = eq < 0 ? p : p.substring(0, eq);
      String args = eq < 0 ? "" : p.substring(eq + 1);
      int colon = ref.indexOf(':');
      String name = colon < 0 ? ref : ref.substring(0, colon);
      String version = colon < 0 ? "" : ref.substring(colon + 1);
      if (name.isBlank()) {
        throw badInput("--plugin", "'" + p + "' must be NAME[:VERSION]=ARGS_JSON");
      }
      out.add(new PluginRef(name, version, args, false));
    }
    for (String name : disabledPlugins) {
      if (name.isBlank()) {
        throw badInput("--disable-plugin", "needs a plugin name");
      }
      out.add(PluginRef.disabled(name));
    }
    return out;
  }

  /**
   * {@code a.b.c=v} pairs as nested values, each value read as a YAML scalar; an empty value stays
   * {@code ""}, which a merge reads as removal.
   */
  static Map<String, Object> paths(Map<String, String> pairs) {
    Map<String, Object> out = new LinkedHashMap<>();
    pairs.forEach(
        (path, v) -> {
          String[] keys = path.split("\\.");
          Map<String, Object> at = out;
          for (int i = 0; i < keys.length - 1; i++) {
            Object child = at.get(keys[i]);
            if (!(child instanceof Map<?, ?>)) {
              child = new LinkedHashMap<String, Object>();
              at.put(keys[i], child);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> next = (Map<String, Object>) child;
            at = next;
          }
          at.put(keys[keys.length - 1], v.isEmpty() ? "" : scalar(v));
        });
    return out;
  }

  /** Reads {@code true}, {@code false}, whole and decimal numbers as themselves, else text. */
  static Object scalar(String v) {
    if (v.equals("true") || v.equals("false")) {
      return Boolean.valueOf(v);
    }
    if (INTEGER.matcher(v).matches()) {
      return Long.valueOf(v);
    }
    if (DECIMAL.matcher(v).matches()) {
      return Double.valueOf(v);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static Map<String, Object> readValues(Path file) {
    try {
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
      if (!(tree instanceof Map<?, ?> m)) {
        throw badInput("--values", file + " must hold a mapping of config keys to values");
      }
      return ConfigValues.normalMap(m);
    } catch (IOException e) {
      throw badInput("--values", "cannot read " + file + ": " + e.getMessage());
    }
  }
}
