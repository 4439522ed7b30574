package io.clusterlifecycle.api.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ResourceProvider} creates for one node. Build one with {@link #builder()}.
 *
 * @param ref the node, the key creation is idempotent by
 * @param clusterName the cluster's name, for resource names and tags
 * @param namespace the cluster's namespace
 * @param role the node's role
 * @param cpu cores
 * @param memory MiB
 * @param volumeSize GiB of data volume, {@code 0} for none
 * @param mountPoint where the volume is mounted; empty when there is none
 * @param image the image or template to boot; empty for the provider's default
 * @param tags labels to put on every resource created, including the cluster, role and node ids
 */
public record NodeSpec(
    NodeRef ref,
    String clusterName,
    String namespace,
    String role,
    int cpu,
    int memory,
    int volumeSize,
    Optional<String> mountPoint,
    Optional<String> image,
    Map<String, String> tags) {

  /** Tag holding the cluster id on every resource the engine creates. */
  public static final String TAG_CLUSTER = "lifecycle.cluster-id";

  /** Tag holding the role name. */
  public static final String TAG_ROLE = "lifecycle.role";

  /** Tag holding the node id. */
  public static final String TAG_NODE = "lifecycle.node-id";

  /**
   * Checks for nulls and copies the tags.
   *
   * @param ref the node
   * @param clusterName the cluster's name
   * @param namespace the cluster's namespace
   * @param role the node's role
   * @param cpu cores
   * @param memory MiB
   * @param volumeSize GiB, {@code 0} for none
   * @param mountPoint the volume's mount point, if any; an empty text counts as none
   * @param image the image, if not the default; an empty text counts as none
   * @param tags resource tags; copied
   */
  public NodeSpec {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(role, "role");
    mountPoint = Objects.requireNonNull(mountPoint, "mountPoint").filter(s -> !s.isEmpty());
    image = Objects.requireNonNull(image, "image").filter(s -> !s.isEmpty());
    tags = Map.copyOf(tags);
  }

  /**
   * Starts a builder for a NodeSpec; every component not set is {@code null} (which the constructor
   * refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this NodeSpec's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link NodeSpec}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private NodeRef ref;
    private String clusterName;
    private String namespace;
    private String role;
    private int cpu;
    private int memory;
    private int volumeSize;
    private Optional<String> mountPoint = Optional.empty();
    private Optional<String> image = Optional.empty();
    private Map<String, String> tags = Map.of();

    private Builder() {}

    private Builder(NodeSpec r) {
      this.ref = r.ref;
      this.clusterName = r.clusterName;
      this.namespace = r.namespace;
      this.role = r.role;
      this.cpu = r.cpu;
      this.memory = r.memory;
      this.volumeSize = r.volumeSize;
      this.mountPoint = r.mountPoint;
      this.image = r.image;
      this.tags = r.tags;
    }

    /**
     * Sets {@code ref}: the node, the key creation is idempotent by.
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
     * Sets {@code clusterName}: the cluster's name, for resource names and tags.
     *
     * @param value the value
     * @return this builder
     */
    public Builder clusterName(String value) {
      Objects.requireNonNull(value, "clusterName");
      this.clusterName = value;
      return this;
    }

    /**
     * Sets {@code namespace}: the cluster's namespace.
     *
     * @param value the value
     * @return this builder
     */
    public Builder namespace(String value) {
      Objects.requireNonNull(value, "namespace");
      this.namespace = value;
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
     * Sets {@code mountPoint}: where the volume is mounted; empty when there is none.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder mountPoint(String value) {
      this.mountPoint = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code mountPoint}: where the volume is mounted; empty when there is none.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder mountPoint(Optional<String> value) {
      this.mountPoint = Objects.requireNonNull(value, "mountPoint");
      return this;
    }

    /**
     * Sets {@code image}: the image or template to boot; empty for the provider's default.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder image(String value) {
      this.image = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code image}: the image or template to boot; empty for the provider's
     * default.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder image(Optional<String> value) {
      this.image = Objects.requireNonNull(value, "image");
      return this;
    }

    /**
     * Sets {@code tags}: labels to put on every resource created, including the cluster, role and
     * node ids.
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
     * @return the NodeSpec
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public NodeSpec build() {
      return new NodeSpec(
          ref, clusterName, namespace, role, cpu, memory, volumeSize, mountPoint, image, tags);
    }
  }
}
