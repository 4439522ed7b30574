package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Boots one node from another image, keeping its volume and address (docs/design.md §6.6); on
 * success the node's record holds the new image and app version.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param image the new image, empty for the provider's default
 * @param version the app version the image runs
 */
public record ReplaceImageStep(String id, String node, String role, String image, String version)
    implements Step {

  /**
   * Checks the fields.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param image the new image, empty for the provider's default
   * @param version the app version the image runs
   */
  public ReplaceImageStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public String describe() {
    return "image of " + node + " -> " + (image.isEmpty() ? "version " + version : image);
  }

  /**
   * Starts a builder for a ReplaceImageStep; every component not set is {@code null} (which the
   * constructor refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this ReplaceImageStep's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link ReplaceImageStep}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private String id;
    private String node;
    private String role;
    private String image;
    private String version;

    private Builder() {}

    private Builder(ReplaceImageStep r) {
      this.id = r.id;
      this.node = r.node;
      this.role = r.role;
      this.image = r.image;
      this.version = r.version;
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
     * Sets {@code image}: the new image, empty for the provider's default.
     *
     * @param value the value
     * @return this builder
     */
    public Builder image(String value) {
      Objects.requireNonNull(value, "image");
      this.image = value;
      return this;
    }

    /**
     * Sets {@code version}: the app version the image runs.
     *
     * @param value the value
     * @return this builder
     */
    public Builder version(String value) {
      Objects.requireNonNull(value, "version");
      this.version = value;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the ReplaceImageStep
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public ReplaceImageStep build() {
      return new ReplaceImageStep(id, node, role, image, version);
    }
  }
}
