/**
 * References to plugins (docs/design.md §15): a cluster enables a plugin the engine holds (an
 * {@link io.clusterlifecycle.api.spi.SpecPlugin} its host registered) by a {@link
 * io.clusterlifecycle.api.plugin.PluginRef}, with its own arguments.
 */
package io.clusterlifecycle.api.plugin;
