/**
 * Plugins lifecycle-core ships (docs/design.md §15): {@link
 * io.clusterlifecycle.core.plugins.NodeLabelsPlugin} and {@link
 * io.clusterlifecycle.core.plugins.PlacementPlugin}. An engine holds none of them unless its host
 * registers them with {@code LifecycleEngineBuilder.plugin}.
 */
package io.clusterlifecycle.core.plugins;
