/**
 * Where app specs come from: a spec file with the files beside it ({@link
 * io.clusterlifecycle.source.FileSpecSource}), a {@code .tgz} or {@code .zip} archive read in
 * memory ({@link io.clusterlifecycle.source.ArchiveSpecSource}), and a repository whose index lists
 * archives by app and version, like a chart repository ({@link
 * io.clusterlifecycle.source.SpecRepositories}). {@link io.clusterlifecycle.source.SpecSources}
 * opens each and picks one when several are given (docs/sources.md).
 */
package io.clusterlifecycle.source;
