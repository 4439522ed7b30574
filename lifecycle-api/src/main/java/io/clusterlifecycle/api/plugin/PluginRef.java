package io.clusterlifecycle.api.plugin;

import java.util.Objects;

/**
 * A cluster's use of a plugin, or in a request a change of it (docs/design.md §15). Requests merge
 * plugins into a cluster's by name, in order: a reference with {@code disable} removes the plugin
 * of that name, a new name is appended, a name the cluster has is replaced in place.
 *
 * @param name the plugin's name, as registered in the engine ({@link
 *     io.clusterlifecycle.api.spi.SpecPlugin#name()})
 * @param version the version asked for; {@code ""} for whatever version is registered
 * @param args the plugin's arguments as JSON text; {@code ""} for none
 * @param disable in a request: remove the plugin of this name from the cluster
 */
public record PluginRef(String name, String version, String args, boolean disable) {

  /**
   * Checks for nulls and a blank name.
   *
   * @param name the plugin's name
   * @param version the version; null reads as {@code ""}
   * @param args the arguments as JSON text; null reads as {@code ""}
   * @param disable whether the reference removes the plugin
   * @throws NullPointerException if the name is null
   * @throws IllegalArgumentException if the name is blank
   */
  public PluginRef {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a plugin's name must not be blank");
    }
    version = version == null ? "" : version;
    args = args == null ? "" : args;
  }

  /**
   * A reference enabling a plugin with arguments, in whatever version is registered.
   *
   * @param name the plugin's name
   * @param args the arguments as JSON text, {@code ""} for none
   * @return the reference
   */
  public static PluginRef of(String name, String args) {
    return new PluginRef(name, "", args, false);
  }

  /**
   * A reference removing a plugin from a cluster.
   *
   * @param name the plugin's name
   * @return the reference
   */
  public static PluginRef disabled(String name) {
    return new PluginRef(name, "", "", true);
  }
}
