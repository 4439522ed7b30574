package io.clusterlifecycle.api.event;

import java.util.Objects;
import java.util.Optional;

/**
 * Which stored events to read ({@code ClusterStore.events}, {@code Lifecycle.events}): those after
 * a position of the store's event sequence, of one cluster or of all, of one operation or of all,
 * at most a number of them. A reader resumes where it stopped by passing the {@link
 * LifecycleEvent#seq()} of the last event it handled as {@code afterSeq}.
 *
 * @param cluster only events of this cluster id; empty for every cluster
 * @param operation only events of this operation id; empty for every operation
 * @param afterSeq only events whose sequence number is greater; {@code 0} for all
 * @param limit at most this many events, the oldest first; 1 to {@value #MAX_LIMIT}
 */
public record EventQuery(
    Optional<String> cluster, Optional<String> operation, long afterSeq, int limit) {

  /** The most events one query returns. */
  public static final int MAX_LIMIT = 10_000;

  /** The limit of {@link #all()} and {@link #cluster(String)}. */
  public static final int DEFAULT_LIMIT = 1_000;

  /**
   * Checks the components.
   *
   * @param cluster the cluster id, or empty
   * @param operation the operation id, or empty
   * @param afterSeq the position; not negative
   * @param limit the most events; 1 to {@value #MAX_LIMIT}
   * @throws NullPointerException if an optional is null
   * @throws IllegalArgumentException if {@code afterSeq} is negative or {@code limit} is out of
   *     range
   */
  public EventQuery {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(operation, "operation");
    if (afterSeq < 0) {
      throw new IllegalArgumentException("afterSeq must be 0 or more, was " + afterSeq);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
  }

  /**
   * Every cluster's events from the start, {@value #DEFAULT_LIMIT} at a time.
   *
   * @return the query
   */
  public static EventQuery all() {
    return new EventQuery(Optional.empty(), Optional.empty(), 0, DEFAULT_LIMIT);
  }

  /**
   * One cluster's events from the start, {@value #DEFAULT_LIMIT} at a time.
   *
   * @param clusterId the cluster id
   * @return the query
   * @throws NullPointerException if {@code clusterId} is null
   */
  public static EventQuery cluster(String clusterId) {
    return new EventQuery(
        Optional.of(Objects.requireNonNull(clusterId, "clusterId")),
        Optional.empty(),
        0,
        DEFAULT_LIMIT);
  }

  /**
   * This query restricted to one operation's events.
   *
   * @param operationId the operation id
   * @return a changed copy
   * @throws NullPointerException if {@code operationId} is null
   */
  public EventQuery operation(String operationId) {
    return new EventQuery(
        cluster, Optional.of(Objects.requireNonNull(operationId, "operationId")), afterSeq, limit);
  }

  /**
   * This query from another position.
   *
   * @param seq only events whose sequence number is greater; not negative
   * @return a changed copy
   * @throws IllegalArgumentException if {@code seq} is negative
   */
  public EventQuery after(long seq) {
    return new EventQuery(cluster, operation, seq, limit);
  }

  /**
   * This query with another limit.
   *
   * @param most at most this many events; 1 to {@value #MAX_LIMIT}
   * @return a changed copy
   * @throws IllegalArgumentException if {@code most} is out of range
   */
  public EventQuery limit(int most) {
    return new EventQuery(cluster, operation, afterSeq, most);
  }

  /**
   * Tells whether an event matches the cluster and operation of this query (not its position or
   * limit).
   *
   * @param event the event
   * @return true when it belongs to the query's cluster and operation, where they are given
   */
  public boolean matches(LifecycleEvent event) {
    return (cluster.isEmpty() || cluster.equals(event.cluster()))
        && (operation.isEmpty() || operation.equals(event.operation()));
  }
}
