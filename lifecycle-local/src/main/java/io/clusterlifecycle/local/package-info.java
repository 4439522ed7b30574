/**
 * The local infrastructure, the embedded default: nodes are directories of a home
 * ({@link io.clusterlifecycle.local.LocalResourceProvider}), commands are local bash processes
 * ({@link io.clusterlifecycle.local.LocalCommandExecutor}), the metadata tree and the records are
 * files ({@link io.clusterlifecycle.local.LocalMetadataStore},
 * {@link io.clusterlifecycle.local.FileClusterStore}). Open all four at once with
 * {@link io.clusterlifecycle.local.LocalInfrastructure#open(java.nio.file.Path)}.
 *
 * <p>Several processes may share a home: node addresses, record compare-and-set and metadata
 * commits are coordinated by lock files, and every file is replaced atomically.
 */
package io.clusterlifecycle.local;
