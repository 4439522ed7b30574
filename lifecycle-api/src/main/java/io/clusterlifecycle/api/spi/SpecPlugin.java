package io.clusterlifecycle.api.spi;

/**
 * A named transformation a host registers in the engine and clusters enable with their own
 * arguments (docs/design.md §15), referring to it by {@link
 * io.clusterlifecycle.api.plugin.PluginRef}. The engine holds only the plugins registered with it;
 * a request naming another one is refused.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #checkArgs} is called when a request enables the plugin (create, upgrade,
 *       reconfigure), before anything changes; the request is refused when it throws.
 *   <li>{@link #transformNode} is called each time the engine builds the {@link NodeSpec} of a node
 *       to create (the resource provider's {@code create}, and a dry run's listing), once per
 *       enabled plugin, in the order the cluster lists them, each getting the previous one's
 *       result. Nodes that exist are not changed when a plugin is enabled or disabled; the change
 *       applies to nodes created afterwards.
 *   <li>Methods are called from many threads at once, and again for the same node when a step is
 *       retried or an operation resumed: they must be thread-safe, deterministic (the same input
 *       gives the same output) and pure (no I/O, no state kept between calls).
 *   <li>They return at once and never block.
 * </ul>
 */
public interface SpecPlugin {

  /**
   * The name clusters refer to the plugin by, unique in an engine.
   *
   * @return the name, not blank
   */
  String name();

  /**
   * The plugin's version, recorded nowhere but shown to users; a reference asking another version
   * is refused.
   *
   * @return the version
   */
  String version();

  /**
   * Checks the arguments a request gives the plugin.
   *
   * @param args the arguments as JSON text; {@code ""} for none
   * @throws IllegalArgumentException if they are not valid; its message says what is wrong
   */
  void checkArgs(String args);

  /**
   * Changes the spec of a node about to be created.
   *
   * @param node the spec so far, carrying the engine's tags and those of earlier plugins
   * @param args the cluster's arguments for this plugin, which {@link #checkArgs} accepted
   * @return the changed spec; the default returns {@code node} unchanged
   */
  default NodeSpec transformNode(NodeSpec node, String args) {
    return node;
  }
}
