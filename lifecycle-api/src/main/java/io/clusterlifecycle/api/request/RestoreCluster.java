package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Create a new cluster from a backup (docs/design.md §6.10): the backup's spec and parameters, the
 * same role counts; every node is created, then runs {@code restore} with the artifact of the node
 * at the same position of its role before it starts.
 *
 * @param backupId the backup to restore
 * @param name the new cluster's name
 * @param namespace the new cluster's namespace
 * @param counts node counts per role; when given they must equal the backup's
 * @param labels labels of the new cluster
 * @param timeout the operation's timeout, or empty for the engine's default
 */
public record RestoreCluster(
    String backupId,
    String name,
    String namespace,
    Map<String, Integer> counts,
    Map<String, String> labels,
    Optional<Duration> timeout)
    implements OperationRequest {

  /**
   * Checks for nulls and copies the maps.
   *
   * @param backupId the backup id
   * @param name the cluster name
   * @param namespace the namespace
   * @param counts counts per role; copied
   * @param labels labels; copied
   * @param timeout the timeout, if any
   */
  public RestoreCluster {
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    counts = Collections.unmodifiableMap(new TreeMap<>(counts));
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Starts a builder.
   *
   * @param backupId the backup to restore
   * @param name the new cluster's name
   * @return a builder in the default namespace, with the backup's counts and no labels
   */
  public static Builder builder(String backupId, String name) {
    return new Builder(backupId, name);
  }

  @Override
  public OperationType type() {
    return OperationType.RESTORE;
  }

  /** Builds a {@link RestoreCluster}; not thread-safe. */
  public static final class Builder {
    private final String backupId;
    private final String name;
    private String namespace = Cluster.DEFAULT_NAMESPACE;
    private final Map<String, Integer> counts = new TreeMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private Optional<Duration> timeout = Optional.empty();

    private Builder(String backupId, String name) {
      this.backupId = Objects.requireNonNull(backupId, "backupId");
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Sets the namespace.
     *
     * @param value the namespace
     * @return this builder
     */
    public Builder namespace(String value) {
      this.namespace = Objects.requireNonNull(value, "namespace");
      return this;
    }

    /**
     * States the node count of a role, which must equal the backup's.
     *
     * @param role the role
     * @param count the count
     * @return this builder
     */
    public Builder count(String role, int count) {
      counts.put(Objects.requireNonNull(role, "role"), count);
      return this;
    }

    /**
     * Adds a label.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the timeout.
     *
     * @param value the timeout
     * @return this builder
     */
    public Builder timeout(Duration value) {
      this.timeout = Optional.of(value);
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the request
     */
    public RestoreCluster build() {
      return new RestoreCluster(backupId, name, namespace, counts, labels, timeout);
    }
  }
}
