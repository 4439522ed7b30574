package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Resizes one node's instance and volume through the resource provider (docs/design.md §6.5); on
 * success the node's record holds the new sizes.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param cpu the new core count
 * @param memory the new memory, MiB
 * @param volumeSize the new volume size, GiB; {@code 0} when the node has no volume
 */
public record ResizeNodeStep(
    String id, String node, String role, int cpu, int memory, int volumeSize) implements Step {

  /**
   * Checks the fields.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param cpu the new core count
   * @param memory the new memory, MiB
   * @param volumeSize the new volume size, GiB; {@code 0} when the node has no volume
   */
  public ResizeNodeStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    if (cpu < 1 || memory < 1 || volumeSize < 0) {
      throw new IllegalArgumentException(
          "sizes must be positive, were cpu="
              + cpu
              + " memory="
              + memory
              + " volume="
              + volumeSize);
    }
  }

  @Override
  public String describe() {
    return "resize "
        + node
        + " to "
        + cpu
        + " cpu, "
        + memory
        + " MiB"
        + (volumeSize > 0 ? ", " + volumeSize + " GiB" : "");
  }

  /**
   * Starts a builder for a ResizeNodeStep; every component not set is {@code null} (which the
   * constructor refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this ResizeNodeStep's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link ResizeNodeStep}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private String id;
    private String node;
    private String role;
    private int cpu;
    private int memory;
    private int volumeSize;

    private Builder() {}

    private Builder(ResizeNodeStep r) {
      this.id = r.id;
      this.node = r.node;
      this.role = r.role;
      this.cpu = r.cpu;
      this.memory = r.memory;
      this.volumeSize = r.volumeSize;
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
     * Sets {@code cpu}: the new core count.
     *
     * @param value the value
     * @return this builder
     */
    public Builder cpu(int value) {
      this.cpu = value;
      return this;
    }

    /**
     * Sets {@code memory}: the new memory, MiB.
     *
     * @param value the value
     * @return this builder
     */
    public Builder memory(int value) {
      this.memory = value;
      return this;
    }

    /**
     * Sets {@code volumeSize}: the new volume size, GiB; {@code 0} when the node has no volume.
     *
     * @param value the value
     * @return this builder
     */
    public Builder volumeSize(int value) {
      this.volumeSize = value;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the ResizeNodeStep
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public ResizeNodeStep build() {
      return new ResizeNodeStep(id, node, role, cpu, memory, volumeSize);
    }
  }
}
