package io.clusterlifecycle.samples.platform.release;

import io.clusterlifecycle.api.plugin.PluginRef;
import jakarta.validation.constraints.NotBlank;

/**
 * A plugin of a release, as the release manager writes it.
 *
 * @param name the plugin's name
 * @param args its arguments, JSON text
 * @param version its version; empty for the registered one
 * @param disable true to remove it from the release
 */
public record PluginSpec(@NotBlank String name, String args, String version, Boolean disable) {

  /** An absent {@code disable} is false. */
  public PluginSpec {
    disable = disable != null && disable;
  }

  /**
   * The library's reference.
   *
   * @return the reference
   */
  public PluginRef toRef() {
    return new PluginRef(name, version, args, disable);
  }

  /**
   * Views a library reference.
   *
   * @param ref the reference
   * @return the view
   */
  public static PluginSpec of(PluginRef ref) {
    return new PluginSpec(ref.name(), ref.args(), ref.version(), ref.disable());
  }
}
