package io.clusterlifecycle.api.event;

import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.Objects;

/**
 * One thing that happened (SPEC section 10). Fields that do not apply to an event are null.
 *
 * @param seq increasing number of the event within its engine
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
 */
public record LifecycleEvent(
    long seq,
    Instant ts,
    EventType event,
    String cluster,
    String operation,
    OperationType opType,
    String stage,
    String role,
    String node,
    String service,
    Integer order,
    Integer exitCode,
    String path,
    String from,
    String to,
    String message) {

  /**
   * Checks the required components.
   *
   * @param seq the sequence number
   * @param ts the time
   * @param event the kind
   * @param cluster the cluster id, or null
   * @param operation the operation id, or null
   * @param opType the operation type, or null
   * @param stage the stage, or null
   * @param role the role, or null
   * @param node the node id, or null
   * @param service the service, or null
   * @param order the order, or null
   * @param exitCode the exit code, or null
   * @param path the metadata path, or null
   * @param from the previous state, or null
   * @param to the new state, or null
   * @param message the detail, or null
   */
  public LifecycleEvent {
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(event, "event");
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
     * Builds the event.
     *
     * @param seq its sequence number
     * @param ts its time
     * @return the event
     */
    public LifecycleEvent build(long seq, Instant ts) {
      return new LifecycleEvent(seq, ts, event, cluster, operation, opType, stage, role, node,
          service, order, exitCode, path, from, to, message);
    }
  }
}
