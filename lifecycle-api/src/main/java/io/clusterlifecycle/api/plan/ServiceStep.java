package io.clusterlifecycle.api.plan;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Runs one service of the app spec on one node.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param service the service name
 * @param order the service's order for the node's role
 * @param env variables the command gets besides the engine's {@code LC_*} ones, such as the backup
 *     artifact of a {@code backup} or {@code restore} step; never secrets
 */
public record ServiceStep(
    String id, String node, String role, String service, int order, Map<String, String> env)
    implements Step {
  /**
   * Checks for nulls.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param service the service name
   * @param order the service's order
   * @param env extra variables; copied, sorted by name; {@code null} means none
   */
  public ServiceStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(service, "service");
    env = env == null || env.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
  }

  /**
   * Creates a step with no extra variables.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param service the service name
   * @param order the service's order
   */
  public ServiceStep(String id, String node, String role, String service, int order) {
    this(id, node, role, service, order, Map.of());
  }

  @Override
  public String describe() {
    return service + " on " + node;
  }

  /**
   * Starts a builder for a ServiceStep; every component not set is {@code null} (which the
   * constructor refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this ServiceStep's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link ServiceStep}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private String id;
    private String node;
    private String role;
    private String service;
    private int order;
    private Map<String, String> env = Map.of();

    private Builder() {}

    private Builder(ServiceStep r) {
      this.id = r.id;
      this.node = r.node;
      this.role = r.role;
      this.service = r.service;
      this.order = r.order;
      this.env = r.env;
    }

    /**
     * Sets {@code id}: the step id.
     *
     * @param value the value
     * @return this builder
     */
    public Builder id(String value) {
      Objects.requireNonNull(value, "id");
      this.id = value;
      return this;
    }

    /**
     * Sets {@code node}: the node id.
     *
     * @param value the value
     * @return this builder
     */
    public Builder node(String value) {
      Objects.requireNonNull(value, "node");
      this.node = value;
      return this;
    }

    /**
     * Sets {@code role}: the node's role.
     *
     * @param value the value
     * @return this builder
     */
    public Builder role(String value) {
      Objects.requireNonNull(value, "role");
      this.role = value;
      return this;
    }

    /**
     * Sets {@code service}: the service name.
     *
     * @param value the value
     * @return this builder
     */
    public Builder service(String value) {
      Objects.requireNonNull(value, "service");
      this.service = value;
      return this;
    }

    /**
     * Sets {@code order}: the service's order for the node's role.
     *
     * @param value the value
     * @return this builder
     */
    public Builder order(int value) {
      this.order = value;
      return this;
    }

    /**
     * Sets {@code env}: variables the command gets besides the engine's {@code LC_*} ones, such as
     * the backup artifact of a {@code backup} or {@code restore} step; never secrets.
     *
     * @param value the value
     * @return this builder
     */
    public Builder env(Map<String, String> value) {
      Objects.requireNonNull(value, "env");
      this.env = value;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the ServiceStep
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public ServiceStep build() {
      return new ServiceStep(id, node, role, service, order, env);
    }
  }
}
