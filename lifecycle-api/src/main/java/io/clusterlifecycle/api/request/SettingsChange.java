package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.spec.ConfigValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A change to a cluster's settings, merged into what it has (docs/design.md §15): config values
 * deep-merged, parameters, labels and dependencies merged by key; a value {@code ""} (or null in
 * config values) removes the key.
 *
 * @param values config values to deep-merge
 * @param params typed parameter values by name
 * @param labels labels to set ({@code ""} deletes one)
 * @param dependencies dependency names mapped to {@code namespace/cluster} or {@code cluster} in
 *     the cluster's own namespace ({@code ""} deletes one)
 */
public record SettingsChange(
    Map<String, Object> values,
    Map<String, Object> params,
    Map<String, String> labels,
    Map<String, String> dependencies) {

  /** A change that changes nothing. */
  public static final SettingsChange NONE =
      new SettingsChange(Map.of(), Map.of(), Map.of(), Map.of());

  /**
   * Checks for nulls and copies the maps, keeping order.
   *
   * @param values config values; copied and normalised
   * @param params parameter values; copied and normalised
   * @param labels labels; copied
   * @param dependencies dependencies; copied
   * @throws NullPointerException if a map, a label or dependency key or value is null
   * @throws IllegalArgumentException if a value is not JSON-like
   */
  public SettingsChange {
    values = ConfigValues.normalMap(Objects.requireNonNull(values, "values"));
    params = ConfigValues.normalMap(Objects.requireNonNull(params, "params"));
    labels = text(labels, "label");
    dependencies = text(dependencies, "dependency");
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
   * @return true when every map is empty
   */
  public boolean isEmpty() {
    return values.isEmpty() && params.isEmpty() && labels.isEmpty() && dependencies.isEmpty();
  }

  /**
   * Tells whether the change touches what nodes see (config or dependencies), as opposed to labels
   * only.
   *
   * @return true when values, params or dependencies are given
   */
  public boolean touchesNodes() {
    return !values.isEmpty() || !params.isEmpty() || !dependencies.isEmpty();
  }
}
