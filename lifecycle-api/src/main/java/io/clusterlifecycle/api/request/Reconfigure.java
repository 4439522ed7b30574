package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Merges a settings change into a cluster (docs/design.md §15): config values, parameters, labels
 * and dependencies. When config or dependencies change, {@code /env} and {@code /links} are
 * republished and {@code reload} runs on the running nodes, {@code batchSize} nodes at a time with
 * {@code batchPeriod} between batches; a change of labels alone touches no node.
 *
 * @param cluster the cluster id or name
 * @param change what to merge
 * @param batchSize nodes reloaded at a time; {@code 0} reloads all at once
 * @param batchPeriod the pause between batches
 * @param timeout how long the operation may take; empty: the engine's default
 */
public record Reconfigure(
    String cluster,
    SettingsChange change,
    int batchSize,
    Duration batchPeriod,
    Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks for nulls.
   *
   * @param cluster the cluster
   * @param change the change
   * @param batchSize nodes per batch
   * @param batchPeriod pause between batches
   * @param timeout the timeout
   * @throws NullPointerException if a component is null
   */
  public Reconfigure {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(batchPeriod, "batchPeriod");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * A change reloading all nodes at once, with the engine's default timeout.
   *
   * @param cluster the cluster id or name
   * @param change what to merge
   * @return the request
   */
  public static Reconfigure of(String cluster, SettingsChange change) {
    return new Reconfigure(cluster, change, 0, Duration.ZERO, Optional.empty());
  }

  /**
   * Returns this request reloading in batches.
   *
   * @param size nodes per batch, at least 1
   * @param period pause between batches
   * @return the new request
   */
  public Reconfigure inBatches(int size, Duration period) {
    return new Reconfigure(cluster, change, size, period, timeout);
  }

  /**
   * Returns this request with a timeout.
   *
   * @param value the timeout
   * @return the new request
   */
  public Reconfigure withTimeout(Duration value) {
    return new Reconfigure(cluster, change, batchSize, batchPeriod, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.UPDATE_CONFIG;
  }
}
