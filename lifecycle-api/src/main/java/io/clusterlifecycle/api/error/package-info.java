/**
 * The exceptions the library throws on purpose, all rooted at {@link
 * io.clusterlifecycle.api.error.LifecycleException}, and the {@link
 * io.clusterlifecycle.api.error.ValidationProblem} a validation reports. This package depends on
 * nothing else in the API, so every other package may use it.
 */
package io.clusterlifecycle.api.error;
