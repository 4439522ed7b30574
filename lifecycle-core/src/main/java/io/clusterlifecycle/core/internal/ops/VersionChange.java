package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.ClusterRequest;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;

/**
 * An operation that moves the cluster to another version (upgrade, rollback).
 *
 * @param <R> the request type it handles
 */
abstract class VersionChange<R extends ClusterRequest> extends ClusterOperation<R> {

  VersionChange(Class<R> requestType, OperationType type) {
    super(requestType, type);
  }

  /** The versions of a stopped cluster changed; it stays stopped. */
  @Override
  public ClusterState successState(Operation op, Cluster current) {
    if (!current.nodes().isEmpty()
        && current.nodes().stream().allMatch(n -> n.state() == NodeState.STOPPED)) {
      return ClusterState.STOPPED;
    }
    return super.successState(op, current);
  }
}
