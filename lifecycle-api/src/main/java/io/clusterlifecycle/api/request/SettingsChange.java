package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.plugin.PluginRef;
import io.clusterlifecycle.api.spec.ConfigValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A change to a cluster's settings, merged into what it has (docs/design.md §15): config values
 * deep-merged, parameters, labels and dependencies merged by key; a value {@code ""} (or null in
 * config values) removes the key. Plugins merge by name, in order: a reference with {@code disable}
 * removes one, a new name is appended, a known one replaced in place.
 *
 * @param values config values to deep-merge
 * @param params typed parameter values by name
 * @param labels labels to set ({@code ""} deletes one)
 * @param dependencies dependency names mapped to {@code namespace/cluster} or {@code cluster} in
 *     the cluster's own namespace ({@code ""} deletes one)
 * @param plugins plugin references to merge by name, in order
 */
public record SettingsChange(
    Map<String, Object> values,
    Map<String, Object> params,
    Map<String, String> labels,
    Map<String, String> dependencies,
    List<PluginRef> plugins) {

  /** A change that changes nothing. */
  public static final SettingsChange NONE =
      new SettingsChange(Map.of(), Map.of(), Map.of(), Map.of(), List.of());

  /**
   * Checks for nulls and copies the maps, keeping order.
   *
   * @param values config values; copied and normalised
   * @param params parameter values; copied and normalised
   * @param labels labels; copied
   * @param dependencies dependencies; copied
   * @param plugins plugin references; copied; null reads as none
   * @throws NullPointerException if a map, a label or dependency key or value, or a plugin
   *     reference is null
   * @throws IllegalArgumentException if a value is not JSON-like
   */
  public SettingsChange {
    values = ConfigValues.normalMap(Objects.requireNonNull(values, "values"));
    params = ConfigValues.normalMap(Objects.requireNonNull(params, "params"));
    labels = text(labels, "label");
    dependencies = text(dependencies, "dependency");
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
  }

  /**
   * A change of config, parameters, labels and dependencies, leaving plugins as they are.
   *
   * @param values config values to deep-merge
   * @param params typed parameter values by name
   * @param labels labels to set ({@code ""} deletes one)
   * @param dependencies dependencies to set ({@code ""} deletes one)
   */
  public SettingsChange(
      Map<String, Object> values,
      Map<String, Object> params,
      Map<String, String> labels,
      Map<String, String> dependencies) {
    this(values, params, labels, dependencies, List.of());
  }

  /**
   * Returns this change with plugin references to merge.
   *
   * @param value the references, in order
   * @return the new change
   */
  public SettingsChange withPlugins(List<PluginRef> value) {
    return new SettingsChange(values, params, labels, dependencies, value);
  }

  private static Map<String, String> text(Map<String, String> m, String what) {
    Objects.requireNonNull(m, what + "s");
    m.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, what + " key");
          Objects.requireNonNull(v, what + " value of " + k);
        });
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /**
   * Tells whether the change changes nothing.
   *
   * @return true when every map and the plugin list are empty
   */
  public boolean isEmpty() {
    return values.isEmpty()
        && params.isEmpty()
        && labels.isEmpty()
        && dependencies.isEmpty()
        && plugins.isEmpty();
  }

  /**
   * Tells whether the change touches what nodes see (config or dependencies), as opposed to labels
   * or plugins only (plugins change only nodes created later, so nothing reruns).
   *
   * @return true when values, params or dependencies are given
   */
  public boolean touchesNodes() {
    return !values.isEmpty() || !params.isEmpty() || !dependencies.isEmpty();
  }
}
