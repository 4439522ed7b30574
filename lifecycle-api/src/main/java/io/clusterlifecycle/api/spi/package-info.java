/**
 * The service provider interfaces a host platform or an adapter implements: resources ({@link
 * io.clusterlifecycle.api.spi.ResourceProvider}), commands ({@link
 * io.clusterlifecycle.api.spi.CommandExecutor}), the metadata tree ({@link
 * io.clusterlifecycle.api.spi.MetadataStore}) and the durable records ({@link
 * io.clusterlifecycle.api.spi.ClusterStore}). Every method is asynchronous and returns a {@link
 * java.util.concurrent.CompletionStage}; implementations choose their own threads.
 */
package io.clusterlifecycle.api.spi;
