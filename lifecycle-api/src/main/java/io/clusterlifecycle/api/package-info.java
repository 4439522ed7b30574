/**
 * The public face of Lifecycle: the exceptions every entry point throws and, in sub-packages,
 * the app spec model ({@link io.clusterlifecycle.api.spec}) and the state machines
 * ({@link io.clusterlifecycle.api.state}).
 */
package io.clusterlifecycle.api;
