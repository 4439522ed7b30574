package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.state.NodeAction;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An action of the service orchestrator on the nodes of one role, or on chosen nodes of it, in
 * batches of {@code number} nodes with {@code period} between them (docs/design.md §6.13): the
 * seed's {@code oneflow action SERVICE ROLE ACTION -n N -p S}. Build one with {@link #builder}.
 *
 * @param cluster the cluster's id or name
 * @param role the role
 * @param action the action
 * @param nodes the nodes of the role to act on, in this order; empty for all of them
 * @param number nodes per batch, at least 1; empty for the engine's default ({@code actionNumber})
 * @param period the wait between two batches; empty for the engine's default ({@code actionPeriod})
 * @param snapshot the snapshot's name, for the snapshot actions; empty otherwise
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record RoleAction(
    String cluster,
    String role,
    NodeAction action,
    List<String> nodes,
    java.util.OptionalInt number,
    Optional<Duration> period,
    String snapshot,
    Optional<Duration> timeout)
    implements ClusterRequest {

  /**
   * Checks for nulls and copies the node list; the engine checks the values.
   *
   * @param cluster the cluster's id or name
   * @param role the role
   * @param action the action
   * @param nodes the chosen nodes; copied; empty for all
   * @param number nodes per batch, or empty for the default
   * @param period the wait between batches, or empty for the default
   * @param snapshot the snapshot name, or empty
   * @param timeout the timeout, or empty
   */
  public RoleAction {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(action, "action");
    nodes = List.copyOf(nodes);
    Objects.requireNonNull(number, "number");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Starts a builder for an action on all the nodes of a role, with the engine's batch defaults.
   *
   * @param cluster the cluster's id or name
   * @param role the role
   * @param action the action
   * @return the builder
   */
  public static Builder builder(String cluster, String role, NodeAction action) {
    return new Builder(cluster, role, action);
  }

  @Override
  public OperationType type() {
    return OperationType.ROLE_ACTION;
  }

  /** Builds a {@link RoleAction}; not thread-safe. */
  public static final class Builder {
    private final String cluster;
    private final String role;
    private final NodeAction action;
    private List<String> nodes = List.of();
    private java.util.OptionalInt number = java.util.OptionalInt.empty();
    private Optional<Duration> period = Optional.empty();
    private String snapshot = "";
    private Optional<Duration> timeout = Optional.empty();

    private Builder(String cluster, String role, NodeAction action) {
      this.cluster = cluster;
      this.role = role;
      this.action = action;
    }

    /**
     * Acts on these nodes of the role only, in this order.
     *
     * @param value node ids
     * @return this builder
     */
    public Builder nodes(List<String> value) {
      this.nodes = Objects.requireNonNull(value, "nodes");
      return this;
    }

    /**
     * Acts on {@code value} nodes at a time.
     *
     * @param value nodes per batch, at least 1
     * @return this builder
     */
    public Builder number(int value) {
      this.number = java.util.OptionalInt.of(value);
      return this;
    }

    /**
     * Waits {@code value} between two batches.
     *
     * @param value the wait, not negative
     * @return this builder
     */
    public Builder period(Duration value) {
      this.period = Optional.of(Objects.requireNonNull(value, "period"));
      return this;
    }

    /**
     * Names the snapshot a snapshot action works on.
     *
     * @param value the name
     * @return this builder
     */
    public Builder snapshot(String value) {
      this.snapshot = Objects.requireNonNull(value, "snapshot");
      return this;
    }

    /**
     * Sets the operation's timeout.
     *
     * @param value the timeout
     * @return this builder
     */
    public Builder timeout(Duration value) {
      this.timeout = Optional.of(Objects.requireNonNull(value, "timeout"));
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the request
     */
    public RoleAction build() {
      return new RoleAction(cluster, role, action, nodes, number, period, snapshot, timeout);
    }
  }
}
