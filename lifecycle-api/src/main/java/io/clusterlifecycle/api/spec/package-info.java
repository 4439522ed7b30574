/**
 * The app spec: an immutable description of one version of an application — its roles, their
 * resources and their lifecycle services (docs/design.md §2). Build one fluently with {@link
 * io.clusterlifecycle.api.spec.AppSpec#builder(String, String)} or load it from JSON or YAML with
 * {@code io.clusterlifecycle.codec.AppSpecFiles} (module lifecycle-codec); either way it is
 * validated as a whole and every problem is reported at once.
 */
package io.clusterlifecycle.api.spec;
