package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Optional;

/** A request for one operation on one cluster. */
public sealed interface OperationRequest permits CreateCluster, RestoreCluster, ClusterRequest {

  /**
   * Returns the kind of operation requested.
   *
   * @return the operation type
   */
  OperationType type();

  /**
   * Returns how long the operation, including any wait for a busy cluster, may take.
   *
   * @return the timeout, or empty for the engine's default
   */
  Optional<Duration> timeout();
}
