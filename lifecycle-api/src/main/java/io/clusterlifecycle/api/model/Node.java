package io.clusterlifecycle.api.model;

import io.clusterlifecycle.api.state.NodeState;
import java.util.Objects;
import java.util.Optional;

/**
 * One member of a cluster.
 *
 * <p>Node ids are {@code <cluster-name>-<role>-<index>}; the index counts up per role and is never
 * reused within a cluster, so ids sort in creation order within a role. Build one with {@link
 * #builder()}; change a copy with {@link #toBuilder()} or the {@code with*} methods.
 *
 * @param id the node id
 * @param role the role it belongs to
 * @param index its number within the role, from 1
 * @param state its state
 * @param address its address; empty until its resource exists
 * @param instanceId the provider's instance id; empty until its resource exists
 * @param cpu cores
 * @param memory MiB
 * @param volumeSize GiB of data volume, {@code 0} for none
 * @param image the image it runs; empty for the provider's default
 * @param version the app version it runs; empty for the cluster's version. During an upgrade or
 *     rollback nodes of one cluster may run different versions
 * @param workload what the node's scripts last reported about its workload through {@code
 *     LC_STATUS} (docs/design.md §9.3.1); empty when they never did
 * @param problem why the last health check found the node unhealthy (docs/design.md §3.6); empty
 *     when it was healthy or never checked
 */
public record Node(
    String id,
    String role,
    int index,
    NodeState state,
    Optional<String> address,
    Optional<String> instanceId,
    int cpu,
    int memory,
    int volumeSize,
    Optional<String> image,
    Optional<String> version,
    Optional<WorkloadStatus> workload,
    Optional<String> problem) {

  /**
   * Checks for nulls; an empty text in an optional component counts as absent.
   *
   * @param id the node id
   * @param role the role
   * @param index the index within the role
   * @param state the state
   * @param address the address, if known
   * @param instanceId the instance id, if known
   * @param cpu cores
   * @param memory MiB
   * @param volumeSize GiB, {@code 0} for none
   * @param image the image, if not the provider's default
   * @param version the app version, if not the cluster's; {@code null} (a record written before
   *     versions were recorded) is read as empty
   * @param workload the last reported workload status; {@code null} (a record written before
   *     statuses were recorded) is read as empty
   * @param problem why it is unhealthy; {@code null} is read as empty
   */
  public Node {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(state, "state");
    address = Objects.requireNonNull(address, "address").filter(s -> !s.isEmpty());
    instanceId = Objects.requireNonNull(instanceId, "instanceId").filter(s -> !s.isEmpty());
    image = Objects.requireNonNull(image, "image").filter(s -> !s.isEmpty());
    version = version == null ? Optional.empty() : version.filter(s -> !s.isEmpty());
    workload = workload == null ? Optional.empty() : workload;
    problem = problem == null ? Optional.empty() : problem.filter(s -> !s.isEmpty());
  }

  /**
   * Tells whether the node counts against its cluster's health (docs/design.md §3.6): the last
   * health check found a problem, or its scripts reported {@link WorkloadStatus.State#BLOCKED}.
   *
   * @return true when the node is unhealthy
   */
  public boolean unhealthy() {
    return problem.isPresent()
        || workload.map(w -> w.state() == WorkloadStatus.State.BLOCKED).orElse(false);
  }

  /**
   * Returns a copy in another state.
   *
   * @param newState the state
   * @return the copy
   */
  public Node withState(NodeState newState) {
    return toBuilder().state(newState).build();
  }

  /**
   * Returns a copy with the address and instance id the provider reported.
   *
   * @param newAddress the address; empty for none
   * @param newInstanceId the instance id; empty for none
   * @return the copy
   */
  public Node withResource(String newAddress, String newInstanceId) {
    return toBuilder().address(newAddress).instanceId(newInstanceId).build();
  }

  /**
   * Returns a copy with new resources, after a resize.
   *
   * @param newCpu cores
   * @param newMemory MiB
   * @param newVolumeSize GiB, {@code 0} for none
   * @return the copy
   */
  public Node withSize(int newCpu, int newMemory, int newVolumeSize) {
    return toBuilder().cpu(newCpu).memory(newMemory).volumeSize(newVolumeSize).build();
  }

  /**
   * Returns a copy running another image and app version, after an upgrade or rollback step.
   *
   * @param newImage the image, or empty for the provider's default
   * @param newVersion the app version, or empty for the cluster's
   * @return the copy
   */
  public Node withImage(String newImage, String newVersion) {
    return toBuilder().image(newImage).version(newVersion).build();
  }

  /**
   * Starts a builder for a Node; every component not set is {@code null} (which the constructor
   * refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this Node's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link Node}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private String id;
    private String role;
    private int index;
    private NodeState state;
    private Optional<String> address = Optional.empty();
    private Optional<String> instanceId = Optional.empty();
    private int cpu;
    private int memory;
    private int volumeSize;
    private Optional<String> image = Optional.empty();
    private Optional<String> version = Optional.empty();
    private Optional<WorkloadStatus> workload = Optional.empty();
    private Optional<String> problem = Optional.empty();

    private Builder() {}

    private Builder(Node r) {
      this.id = r.id;
      this.role = r.role;
      this.index = r.index;
      this.state = r.state;
      this.address = r.address;
      this.instanceId = r.instanceId;
      this.cpu = r.cpu;
      this.memory = r.memory;
      this.volumeSize = r.volumeSize;
      this.image = r.image;
      this.version = r.version;
      this.workload = r.workload;
      this.problem = r.problem;
    }

    /**
     * Sets {@code id}: the node id.
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
     * Sets {@code role}: the role it belongs to.
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
     * Sets {@code index}: its number within the role, from 1.
     *
     * @param value the value
     * @return this builder
     */
    public Builder index(int value) {
      this.index = value;
      return this;
    }

    /**
     * Sets {@code state}: its state.
     *
     * @param value the value
     * @return this builder
     */
    public Builder state(NodeState value) {
      Objects.requireNonNull(value, "state");
      this.state = value;
      return this;
    }

    /**
     * Sets {@code address}: its address; empty until its resource exists.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder address(String value) {
      this.address = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code address}: its address; empty until its resource exists.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder address(Optional<String> value) {
      this.address = Objects.requireNonNull(value, "address");
      return this;
    }

    /**
     * Sets {@code instanceId}: the provider's instance id; empty until its resource exists.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder instanceId(String value) {
      this.instanceId = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code instanceId}: the provider's instance id; empty until its resource
     * exists.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder instanceId(Optional<String> value) {
      this.instanceId = Objects.requireNonNull(value, "instanceId");
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
     * Sets {@code version}: the app version it runs; empty for the cluster's version. During an
     * upgrade or rollback nodes of one cluster may run different versions.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder version(String value) {
      this.version = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code version}: the app version it runs; empty for the cluster's version.
     * During an upgrade or rollback nodes of one cluster may run different versions.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder version(Optional<String> value) {
      this.version = Objects.requireNonNull(value, "version");
      return this;
    }

    /**
     * Sets or clears {@code workload}: what the node's scripts last reported about its workload.
     *
     * @param value the status, or empty for none
     * @return this builder
     */
    public Builder workload(Optional<WorkloadStatus> value) {
      this.workload = Objects.requireNonNull(value, "workload");
      return this;
    }

    /**
     * Sets or clears {@code problem}: why the last health check found the node unhealthy.
     *
     * @param value the reason, or empty (or an empty text) when healthy
     * @return this builder
     */
    public Builder problem(Optional<String> value) {
      this.problem = Objects.requireNonNull(value, "problem");
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the Node
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public Node build() {
      return new Node(
          id,
          role,
          index,
          state,
          address,
          instanceId,
          cpu,
          memory,
          volumeSize,
          image,
          version,
          workload,
          problem);
    }
  }
}
