package io.clusterlifecycle.api.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ResourceProvider} reports about one node's resources. Build one with {@link
 * #builder()}.
 *
 * @param ref the node
 * @param role the node's role (from its tags)
 * @param instanceId the provider's id of the instance (server id, pod uid, directory)
 * @param address the address other nodes reach it at
 * @param cpu cores
 * @param memory MiB
 * @param volumeSize GiB of data volume, {@code 0} for none
 * @param volumeId the provider's id of the volume; empty when there is none
 * @param image the image it runs; empty for the provider's default
 * @param running true when the instance is up, false when stopped
 * @param tags the tags on the resource
 */
public record NodeResource(
    NodeRef ref,
    String role,
    String instanceId,
    String address,
    int cpu,
    int memory,
    int volumeSize,
    Optional<String> volumeId,
    Optional<String> image,
    boolean running,
    Map<String, String> tags) {

  /**
   * Checks for nulls and copies the tags.
   *
   * @param ref the node
   * @param role the node's role
   * @param instanceId the instance id
   * @param address the node's address
   * @param cpu cores
   * @param memory MiB
   * @param volumeSize GiB, {@code 0} for none
   * @param volumeId the volume id, if any; an empty text counts as none
   * @param image the image, if not the default; an empty text counts as none
   * @param running whether the instance is up
   * @param tags the resource's tags; copied
   */
  public NodeResource {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(address, "address");
    volumeId = Objects.requireNonNull(volumeId, "volumeId").filter(s -> !s.isEmpty());
    image = Objects.requireNonNull(image, "image").filter(s -> !s.isEmpty());
    tags = Map.copyOf(tags);
  }

  /**
   * Starts a builder for a NodeResource; every component not set is {@code null} (which the
   * constructor refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this NodeResource's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link NodeResource}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private NodeRef ref;
    private String role;
    private String instanceId;
    private String address;
    private int cpu;
    private int memory;
    private int volumeSize;
    private Optional<String> volumeId = Optional.empty();
    private Optional<String> image = Optional.empty();
    private boolean running;
    private Map<String, String> tags = Map.of();

    private Builder() {}

    private Builder(NodeResource r) {
      this.ref = r.ref;
      this.role = r.role;
      this.instanceId = r.instanceId;
      this.address = r.address;
      this.cpu = r.cpu;
      this.memory = r.memory;
      this.volumeSize = r.volumeSize;
      this.volumeId = r.volumeId;
      this.image = r.image;
      this.running = r.running;
      this.tags = r.tags;
    }

    /**
     * Sets {@code ref}: the node.
     *
     * @param value the value
     * @return this builder
     */
    public Builder ref(NodeRef value) {
      Objects.requireNonNull(value, "ref");
      this.ref = value;
      return this;
    }

    /**
     * Sets {@code role}: the node's role (from its tags).
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
     * Sets {@code instanceId}: the provider's id of the instance (server id, pod uid, directory).
     *
     * @param value the value
     * @return this builder
     */
    public Builder instanceId(String value) {
      Objects.requireNonNull(value, "instanceId");
      this.instanceId = value;
      return this;
    }

    /**
     * Sets {@code address}: the address other nodes reach it at.
     *
     * @param value the value
     * @return this builder
     */
    public Builder address(String value) {
      Objects.requireNonNull(value, "address");
      this.address = value;
      return this;
    }

    /**
     * Sets {@code cpu}: cores.
     *
     * @param value the value
     * @return this builder
     */
    public Builder cpu(int value) {
      this.cpu = value;
      return this;
    }

    /**
     * Sets {@code memory}: MiB.
     *
     * @param value the value
     * @return this builder
     */
    public Builder memory(int value) {
      this.memory = value;
      return this;
    }

    /**
     * Sets {@code volumeSize}: GiB of data volume, {@code 0} for none.
     *
     * @param value the value
     * @return this builder
     */
    public Builder volumeSize(int value) {
      this.volumeSize = value;
      return this;
    }

    /**
     * Sets {@code volumeId}: the provider's id of the volume; empty when there is none.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder volumeId(String value) {
      this.volumeId = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code volumeId}: the provider's id of the volume; empty when there is none.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder volumeId(Optional<String> value) {
      this.volumeId = Objects.requireNonNull(value, "volumeId");
      return this;
    }

    /**
     * Sets {@code image}: the image it runs; empty for the provider's default.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder image(String value) {
      this.image = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code image}: the image it runs; empty for the provider's default.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder image(Optional<String> value) {
      this.image = Objects.requireNonNull(value, "image");
      return this;
    }

    /**
     * Sets {@code running}: true when the instance is up, false when stopped.
     *
     * @param value the value
     * @return this builder
     */
    public Builder running(boolean value) {
      this.running = value;
      return this;
    }

    /**
     * Sets {@code tags}: the tags on the resource.
     *
     * @param value the value
     * @return this builder
     */
    public Builder tags(Map<String, String> value) {
      Objects.requireNonNull(value, "tags");
      this.tags = value;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the NodeResource
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public NodeResource build() {
      return new NodeResource(
          ref, role, instanceId, address, cpu, memory, volumeSize, volumeId, image, running, tags);
    }
  }
}
