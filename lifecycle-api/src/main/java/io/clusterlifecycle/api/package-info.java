/**
 * The public face of Lifecycle: the {@link io.clusterlifecycle.api.Lifecycle} entry point and
 * {@link io.clusterlifecycle.api.OperationFailedException}. The sub-packages hold the rest, and
 * their dependencies form a graph without cycles, this package at the top: {@link
 * io.clusterlifecycle.api.error} (exceptions and validation problems, depending on nothing else) is
 * used by {@link io.clusterlifecycle.api.state} (the state machines) and {@link
 * io.clusterlifecycle.api.spec} (the app spec model); {@link io.clusterlifecycle.api.plan} uses
 * state; {@link io.clusterlifecycle.api.model} (clusters, nodes, operations) uses plan, spec and
 * state; {@link io.clusterlifecycle.api.request}, {@link io.clusterlifecycle.api.event} and {@link
 * io.clusterlifecycle.api.spi} build on those. The whole artifact needs only the JDK.
 */
package io.clusterlifecycle.api;
