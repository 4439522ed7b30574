package io.clusterlifecycle.core.internal.exec;

/**
 * How many nodes the engine accepts (docs/design.md §11): in one cluster, and added by one request.
 * Checked with the request, before anything is planned or written.
 *
 * @param perCluster most nodes of one cluster
 * @param perRequest most nodes one request creates
 */
public record NodeLimits(int perCluster, int perRequest) {}
