package io.clusterlifecycle.api.event;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing that happened. Fields that do not apply to an event are empty.
 *
 * @param seq increasing number of the event: within its engine for an event given to a listener,
 *     within the store's event log for an event read from a store (docs/design.md §8.3)
 * @param ts when it happened
 * @param event the kind of event
 * @param cluster the cluster id
 * @param operation the operation id
 * @param opType the operation type
 * @param stage the stage name
 * @param role the role
 * @param node the node id
 * @param service the service name
 * @param order the service's order
 * @param exitCode a command's exit code
 * @param path a metadata path
 * @param from the state moved from
 * @param to the state moved to
 * @param message a human-readable detail
 * @param results what a command reported through {@code LC_RESULT} (docs/design.md §9.3.1), on
 *     {@link EventType#COMMAND_FINISHED}; empty otherwise
 */
public record LifecycleEvent(
    long seq,
    Instant ts,
    EventType event,
    Optional<String> cluster,
    Optional<String> operation,
    Optional<OperationType> opType,
    Optional<String> stage,
    Optional<String> role,
    Optional<String> node,
    Optional<String> service,
    Optional<Integer> order,
    Optional<Integer> exitCode,
    Optional<String> path,
    Optional<String> from,
    Optional<String> to,
    Optional<String> message,
    Map<String, String> results) {

  /**
   * Checks for nulls; an empty text in an optional text counts as absent.
   *
   * @param seq the sequence number
   * @param ts the time
   * @param event the kind
   * @param cluster the cluster id, if any; an empty text here and in the other optional texts
   *     counts as none, as records read back from JSON carry it
   * @param operation the operation id, if any
   * @param opType the operation type, if any
   * @param stage the stage, if any
   * @param role the role, if any
   * @param node the node id, if any
   * @param service the service, if any
   * @param order the order, if any
   * @param exitCode the exit code, if any
   * @param path the metadata path, if any
   * @param from the previous state, if any
   * @param to the new state, if any
   * @param message the detail, if any
   * @param results a command's reported results; copied, sorted by key; {@code null} (an event
   *     written before results existed) is read as empty
   */
  public LifecycleEvent {
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(event, "event");
    cluster = present(cluster, "cluster");
    operation = present(operation, "operation");
    Objects.requireNonNull(opType, "opType");
    stage = present(stage, "stage");
    role = present(role, "role");
    node = present(node, "node");
    service = present(service, "service");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(exitCode, "exitCode");
    path = present(path, "path");
    from = present(from, "from");
    to = present(to, "to");
    message = present(message, "message");
    results =
        results == null || results.isEmpty()
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(results));
  }

  private static Optional<String> present(Optional<String> value, String name) {
    // every event is built at least twice (emitted, then numbered by its store): no lambda here
    return Objects.requireNonNull(value, name).isPresent() && value.get().isEmpty()
        ? Optional.empty()
        : value;
  }

  /**
   * Starts a builder for an event of one kind; the engine fills {@code seq} and {@code ts}.
   *
   * @param event the kind
   * @return the builder
   */
  public static Builder builder(EventType event) {
    return new Builder(event);
  }

  /**
   * This event with another sequence number, as a store numbers it when it appends it.
   *
   * @param number the sequence number
   * @return a copy equal to this event except for {@code seq}
   */
  public LifecycleEvent withSeq(long number) {
    return stamped(number, ts);
  }

  /**
   * This event with another sequence number and time, as a store reads it back.
   *
   * @param number the sequence number
   * @param time when it happened
   * @return a copy equal to this event except for {@code seq} and {@code ts}
   * @throws NullPointerException if {@code time} is null
   */
  public LifecycleEvent stamped(long number, Instant time) {
    return new LifecycleEvent(
        number, time, event, cluster, operation, opType, stage, role, node, service, order,
        exitCode, path, from, to, message, results);
  }

  /** Builds a {@link LifecycleEvent}; not thread-safe. */
  public static final class Builder {
    private final EventType event;
    private String cluster;
    private String operation;
    private OperationType opType;
    private String stage;
    private String role;
    private String node;
    private String service;
    private Integer order;
    private Integer exitCode;
    private String path;
    private String from;
    private String to;
    private String message;
    private Map<String, String> results = Map.of();

    private Builder(EventType event) {
      this.event = Objects.requireNonNull(event, "event");
    }

    /**
     * Sets the cluster id.
     *
     * @param value the cluster id
     * @return this builder
     */
    public Builder cluster(String value) {
      this.cluster = value;
      return this;
    }

    /**
     * Sets the operation id and type.
     *
     * @param id the operation id
     * @param type the operation type
     * @return this builder
     */
    public Builder operation(String id, OperationType type) {
      this.operation = id;
      this.opType = type;
      return this;
    }

    /**
     * Sets the stage name.
     *
     * @param value the stage
     * @return this builder
     */
    public Builder stage(String value) {
      this.stage = value;
      return this;
    }

    /**
     * Sets the role and node.
     *
     * @param roleName the role
     * @param nodeId the node id
     * @return this builder
     */
    public Builder node(String roleName, String nodeId) {
      this.role = roleName;
      this.node = nodeId;
      return this;
    }

    /**
     * Sets the role, for an event about a whole role.
     *
     * @param roleName the role
     * @return this builder
     */
    public Builder role(String roleName) {
      this.role = roleName;
      return this;
    }

    /**
     * Sets the service and its order.
     *
     * @param name the service
     * @param serviceOrder its order
     * @return this builder
     */
    public Builder service(String name, int serviceOrder) {
      this.service = name;
      this.order = serviceOrder;
      return this;
    }

    /**
     * Sets a command's exit code.
     *
     * @param value the exit code
     * @return this builder
     */
    public Builder exitCode(int value) {
      this.exitCode = value;
      return this;
    }

    /**
     * Sets a metadata path.
     *
     * @param value the path
     * @return this builder
     */
    public Builder path(String value) {
      this.path = value;
      return this;
    }

    /**
     * Sets the states of a transition.
     *
     * @param fromState the previous state
     * @param toState the new state
     * @return this builder
     */
    public Builder transition(Enum<?> fromState, Enum<?> toState) {
      this.from = fromState.name();
      this.to = toState.name();
      return this;
    }

    /**
     * Sets the new state alone, for a change whose previous state is not known.
     *
     * @param toState the new state
     * @return this builder
     */
    public Builder to(Enum<?> toState) {
      this.to = toState.name();
      return this;
    }

    /**
     * Sets the message.
     *
     * @param value the message
     * @return this builder
     */
    public Builder message(String value) {
      this.message = value;
      return this;
    }

    /**
     * Sets what a command reported through {@code LC_RESULT}.
     *
     * @param value the results
     * @return this builder
     */
    public Builder results(Map<String, String> value) {
      this.results = Objects.requireNonNull(value, "results");
      return this;
    }

    /**
     * Builds the event.
     *
     * @param seq its sequence number
     * @param ts its time
     * @return the event
     */
    public LifecycleEvent build(long seq, Instant ts) {
      return new LifecycleEvent(
          seq,
          ts,
          event,
          Optional.ofNullable(cluster),
          Optional.ofNullable(operation),
          Optional.ofNullable(opType),
          Optional.ofNullable(stage),
          Optional.ofNullable(role),
          Optional.ofNullable(node),
          Optional.ofNullable(service),
          Optional.ofNullable(order),
          Optional.ofNullable(exitCode),
          Optional.ofNullable(path),
          Optional.ofNullable(from),
          Optional.ofNullable(to),
          Optional.ofNullable(message),
          results);
    }
  }
}
