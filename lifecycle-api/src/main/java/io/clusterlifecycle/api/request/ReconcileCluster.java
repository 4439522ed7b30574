package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Make the infrastructure match a cluster's record (docs/design.md §7.9), as a journaled operation:
 * what {@code Lifecycle.reconcile} reports is fixed. A node whose resource is gone is created again
 * and its {@code init} and {@code start} services run; a node recorded running whose resource is
 * stopped is started, and one recorded stopped whose resource runs is stopped; a node whose
 * resource moved gets the new address in its record, and the other nodes reload {@code /hosts}; a
 * resource carrying the cluster's tags that the record does not know is deleted, or, with {@code
 * adopt}, taken into the record as a node of its role (when the spec has that role). A cluster in
 * sync runs an operation with nothing to do.
 *
 * @param cluster the cluster's id or name
 * @param adopt whether resources unknown to the record are adopted rather than deleted
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record ReconcileCluster(String cluster, boolean adopt, Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param adopt whether unknown resources are adopted
   * @param timeout the timeout, if any
   */
  public ReconcileCluster {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request that deletes unknown resources, with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @return the request
   */
  public static ReconcileCluster of(String cluster) {
    return new ReconcileCluster(cluster, false, Optional.empty());
  }

  /**
   * Returns a copy that adopts unknown resources instead of deleting them.
   *
   * @return the copy
   */
  public ReconcileCluster adoptingUnknown() {
    return new ReconcileCluster(cluster, true, timeout);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public ReconcileCluster withTimeout(Duration value) {
    return new ReconcileCluster(cluster, adopt, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.RECONCILE;
  }
}
