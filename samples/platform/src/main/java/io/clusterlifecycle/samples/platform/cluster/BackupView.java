package io.clusterlifecycle.samples.platform.cluster;

import io.clusterlifecycle.api.model.Backup;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A cluster's backup.
 *
 * @param id the backup id, to restore from
 * @param clusterId the cluster backed up
 * @param clusterName its name
 * @param namespace its namespace
 * @param roleCounts its instances per role, which a restore creates again
 * @param instances the instances backed up
 * @param createdAt when it was taken
 */
public record BackupView(
    String id,
    String clusterId,
    String clusterName,
    String namespace,
    Map<String, Integer> roleCounts,
    List<String> instances,
    Instant createdAt) {

  /**
   * Views a backup.
   *
   * @param b the backup
   * @return the view
   */
  public static BackupView of(Backup b) {
    return new BackupView(
        b.id(),
        b.clusterId(),
        b.clusterName(),
        b.namespace(),
        b.roleCounts(),
        b.artifacts().stream().map(Backup.Artifact::node).toList(),
        b.createdAt());
  }
}
