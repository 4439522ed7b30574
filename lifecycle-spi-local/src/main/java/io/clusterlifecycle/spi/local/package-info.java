/**
 * The local infrastructure, the embedded default: nodes are directories of a home ({@link
 * io.clusterlifecycle.spi.local.LocalResourceProvider}), commands are local bash processes ({@link
 * io.clusterlifecycle.spi.local.LocalCommandExecutor}), the metadata tree and the records are files
 * ({@link io.clusterlifecycle.spi.local.LocalMetadataStore}, {@link
 * io.clusterlifecycle.spi.local.FileClusterStore}). Open all four at once with {@link
 * io.clusterlifecycle.spi.local.LocalInfrastructure#open(java.nio.file.Path)}.
 *
 * <p>Several processes may share a home: node addresses, record compare-and-set and metadata
 * commits are coordinated by lock files, and every file is replaced atomically.
 */
package io.clusterlifecycle.spi.local;
