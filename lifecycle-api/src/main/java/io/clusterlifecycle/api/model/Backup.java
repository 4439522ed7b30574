package io.clusterlifecycle.api.model;

import io.clusterlifecycle.api.spec.AppSpec;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A cluster backup (docs/design.md §6.10): what a successful backup operation recorded, enough to
 * restore the cluster into a new one with the same role counts.
 *
 * @param id the backup id, unique in the store; also the {@code LC_BACKUP_ID} its commands got
 * @param clusterId the cluster backed up
 * @param clusterName that cluster's name
 * @param namespace that cluster's namespace
 * @param spec the app spec (and so the version) the cluster ran
 * @param env the cluster's parameters
 * @param roleCounts nodes per role at backup time
 * @param artifacts one per node that ran {@code backup}, in node order
 * @param createdAt when the backup finished
 */
public record Backup(
    String id,
    String clusterId,
    String clusterName,
    String namespace,
    AppSpec spec,
    Map<String, String> env,
    Map<String, Integer> roleCounts,
    List<Artifact> artifacts,
    Instant createdAt) {

  /**
   * One node's part of a backup.
   *
   * @param node the node that was backed up
   * @param role its role
   * @param index its index within the role
   * @param artifact the artifact name, {@code <backup-id>/<node-id>}
   */
  public record Artifact(String node, String role, int index, String artifact) {
    /**
     * Checks for nulls.
     *
     * @param node the node id
     * @param role the role
     * @param index the index
     * @param artifact the artifact name
     */
    public Artifact {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(artifact, "artifact");
    }
  }

  /**
   * Checks for nulls and copies the collections.
   *
   * @param id the backup id
   * @param clusterId the cluster id
   * @param clusterName the cluster name
   * @param namespace the namespace
   * @param spec the app spec
   * @param env the parameters; copied
   * @param roleCounts nodes per role; copied, sorted by role
   * @param artifacts the artifacts; copied
   * @param createdAt the time
   */
  public Backup {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(createdAt, "createdAt");
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    roleCounts = Collections.unmodifiableMap(new TreeMap<>(roleCounts));
    artifacts = List.copyOf(artifacts);
  }

  /**
   * Finds the artifact of the {@code position}-th node (from 0, by index) of a role.
   *
   * @param role the role
   * @param position the node's position within its role
   * @return the artifact, or empty when that node ran no backup
   */
  public Optional<Artifact> artifact(String role, int position) {
    List<Artifact> ofRole =
        artifacts.stream()
            .filter(a -> a.role().equals(role))
            .sorted(java.util.Comparator.comparingInt(Artifact::index))
            .toList();
    return position < ofRole.size() ? Optional.of(ofRole.get(position)) : Optional.empty();
  }

  /**
   * Starts a builder for a Backup; every component not set is {@code null} (which the constructor
   * refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this Backup's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link Backup}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private String id;
    private String clusterId;
    private String clusterName;
    private String namespace;
    private AppSpec spec;
    private Map<String, String> env = Map.of();
    private Map<String, Integer> roleCounts = Map.of();
    private List<Artifact> artifacts = List.of();
    private Instant createdAt;

    private Builder() {}

    private Builder(Backup r) {
      this.id = r.id;
      this.clusterId = r.clusterId;
      this.clusterName = r.clusterName;
      this.namespace = r.namespace;
      this.spec = r.spec;
      this.env = r.env;
      this.roleCounts = r.roleCounts;
      this.artifacts = r.artifacts;
      this.createdAt = r.createdAt;
    }

    /**
     * Sets {@code id}: the backup id, unique in the store; also the {@code LC_BACKUP_ID} its
     * commands got.
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
     * Sets {@code clusterId}: the cluster backed up.
     *
     * @param value the value
     * @return this builder
     */
    public Builder clusterId(String value) {
      Objects.requireNonNull(value, "clusterId");
      this.clusterId = value;
      return this;
    }

    /**
     * Sets {@code clusterName}: that cluster's name.
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
     * Sets {@code namespace}: that cluster's namespace.
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
     * Sets {@code spec}: the app spec (and so the version) the cluster ran.
     *
     * @param value the value
     * @return this builder
     */
    public Builder spec(AppSpec value) {
      Objects.requireNonNull(value, "spec");
      this.spec = value;
      return this;
    }

    /**
     * Sets {@code env}: the cluster's parameters.
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
     * Sets {@code roleCounts}: nodes per role at backup time.
     *
     * @param value the value
     * @return this builder
     */
    public Builder roleCounts(Map<String, Integer> value) {
      Objects.requireNonNull(value, "roleCounts");
      this.roleCounts = value;
      return this;
    }

    /**
     * Sets {@code artifacts}: one per node that ran {@code backup}, in node order.
     *
     * @param value the value
     * @return this builder
     */
    public Builder artifacts(List<Artifact> value) {
      Objects.requireNonNull(value, "artifacts");
      this.artifacts = value;
      return this;
    }

    /**
     * Sets {@code createdAt}: when the backup finished.
     *
     * @param value the value
     * @return this builder
     */
    public Builder createdAt(Instant value) {
      Objects.requireNonNull(value, "createdAt");
      this.createdAt = value;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the Backup
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public Backup build() {
      return new Backup(
          id, clusterId, clusterName, namespace, spec, env, roleCounts, artifacts, createdAt);
    }
  }
}
