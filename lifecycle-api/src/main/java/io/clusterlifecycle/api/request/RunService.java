package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Run one service of the app spec on demand over the nodes of a role, or of every role that defines
 * it (docs/design.md §6.8): ordered like every service (by {@code order}, limited by {@code
 * nodes_to_execute_on}), optionally in batches. The service {@code reboot} may also be given when
 * no role defines it: it stops and starts the nodes' instances.
 *
 * @param cluster the cluster's id or name
 * @param service the service name
 * @param role the role whose nodes run it; empty for every role that defines it
 * @param batchSize nodes per batch; {@code 0} means all nodes at once
 * @param batchPeriod the wait between two batches
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record RunService(
    String cluster,
    String service,
    Optional<String> role,
    int batchSize,
    Duration batchPeriod,
    Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param service the service name
   * @param role the role whose nodes run it; empty for every role that defines it
   * @param batchSize nodes per batch; {@code 0} means all nodes at once
   * @param batchPeriod the wait between two batches
   * @param timeout the timeout, if any
   */
  public RunService {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(batchPeriod, "batchPeriod");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @param service the service name
   * @return the request
   */
  public static RunService of(String cluster, String service) {
    return new RunService(cluster, service, Optional.empty(), 0, Duration.ZERO, Optional.empty());
  }

  /**
   * Returns a copy limited to one role.
   *
   * @param value the role
   * @return the copy
   */
  public RunService onRole(String value) {
    return new RunService(cluster, service, Optional.of(value), batchSize, batchPeriod, timeout);
  }

  /**
   * Returns a copy that works through the nodes {@code size} at a time, waiting {@code period}
   * between batches.
   *
   * @param size nodes per batch, at least 1
   * @param period the wait between batches
   * @return the copy
   */
  public RunService inBatches(int size, Duration period) {
    return new RunService(cluster, service, role, size, period, timeout);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public RunService withTimeout(Duration value) {
    return new RunService(cluster, service, role, batchSize, batchPeriod, Optional.of(value));
  }

  @Override
  public OperationType type() {
    return OperationType.RUN_SERVICE;
  }
}
