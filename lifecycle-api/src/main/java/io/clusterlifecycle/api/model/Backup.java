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
 * A cluster backup (SPEC 7.10): what a successful backup operation recorded, enough to restore
 * the cluster into a new one with the same role counts.
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
    List<Artifact> ofRole = artifacts.stream().filter(a -> a.role().equals(role))
        .sorted(java.util.Comparator.comparingInt(Artifact::index)).toList();
    return position < ofRole.size() ? Optional.of(ofRole.get(position)) : Optional.empty();
  }
}
