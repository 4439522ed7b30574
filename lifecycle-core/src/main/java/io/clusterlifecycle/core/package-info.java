/**
 * The engine: {@link io.clusterlifecycle.core.LifecycleEngine#builder()} wires the SPIs into a
 * {@link io.clusterlifecycle.api.Lifecycle}; {@link io.clusterlifecycle.core.JsonLinesTrace} writes
 * its events as JSON lines. Everything under {@code internal} may change without notice.
 */
package io.clusterlifecycle.core;
