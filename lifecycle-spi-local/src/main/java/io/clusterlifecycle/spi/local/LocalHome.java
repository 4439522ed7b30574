package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.LifecycleException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The directory that holds everything the local infrastructure keeps: the nodes, the cluster,
 * operation and backup records, the backup artifacts and the metadata tree. It is the command-line
 * tool's {@code --home}.
 *
 * <p>Layout:
 *
 * <pre>
 * HOME/nodes/&lt;node-id&gt;/                   one directory per node (resource.json, metadata.json,
 *                                          volume/, logs/)
 * HOME/kept-volumes/&lt;node-id&gt;-&lt;time&gt;/      volumes kept when their node was deleted
 * HOME/clusters/&lt;cluster-id&gt;.json           cluster records
 * HOME/cluster-names/&lt;name&gt;/&lt;cluster-id&gt;   the cluster records by name (empty files)
 * HOME/cluster-busy/&lt;cluster-id&gt;           the cluster records that name an operation (empty
 *                                          files)
 * HOME/store-batches/                      batches of records being written
 * HOME/events/&lt;first-seq&gt;.jsonl           the event log, in segments (JSON lines)
 * HOME/operations/&lt;operation-id&gt;.json       operation records
 * HOME/backup-records/&lt;backup-id&gt;.json      backup records
 * HOME/backups/&lt;backup-id&gt;/&lt;node-id&gt;/       one node's backup artifact (the local command
 *                                          executor's {@code LC_BACKUP_DIR})
 * HOME/metadata/tree.json                  the metadata tree
 * HOME/addresses.json                      the loopback addresses handed out
 * HOME/.locks/                             lock files shared by the processes using the home
 * </pre>
 *
 * <p>Several objects, threads and processes may use one home at the same time; the classes of this
 * package coordinate through lock files under {@code HOME/.locks}. Instances are immutable and
 * thread-safe.
 */
public final class LocalHome {
  /** The home used when none is given: {@code .lifecycle} in the working directory. */
  public static final Path DEFAULT_DIRECTORY = Path.of(".lifecycle");

  private final Path root;

  private LocalHome(Path root) {
    this.root = root;
  }

  /**
   * Opens a home, creating its directories when they do not exist.
   *
   * @param directory the home directory; made absolute
   * @return the home
   * @throws NullPointerException if {@code directory} is null
   * @throws LifecycleException if the directories cannot be created
   */
  public static LocalHome open(Path directory) {
    Objects.requireNonNull(directory, "directory");
    LocalHome home = new LocalHome(directory.toAbsolutePath().normalize());
    try {
      for (Path dir :
          new Path[] {
            home.nodesDirectory(),
            home.keptVolumesDirectory(),
            home.clustersDirectory(),
            home.operationsDirectory(),
            home.backupRecordsDirectory(),
            home.backupsDirectory(),
            home.metadataDirectory(),
            home.root.resolve(".locks")
          }) {
        FileModes.createPrivateDirectories(dir);
      }
    } catch (IOException e) {
      throw new LifecycleException("cannot create the local home " + home.root + ": " + e, e);
    }
    return home;
  }

  /**
   * Returns the home directory.
   *
   * @return the absolute, normalised path
   */
  public Path root() {
    return root;
  }

  /**
   * Returns the directory holding one directory per node.
   *
   * @return {@code HOME/nodes}
   */
  public Path nodesDirectory() {
    return root.resolve("nodes");
  }

  /**
   * Returns a node's directory, whether or not it exists.
   *
   * @param nodeId the node id
   * @return {@code HOME/nodes/<node-id>}
   * @throws IllegalArgumentException if the id is not usable as a file name (empty, starting with a
   *     dot, or holding characters other than letters, digits, {@code . _ - :})
   */
  public Path nodeDirectory(String nodeId) {
    return nodesDirectory().resolve(Ids.check("node id", nodeId));
  }

  /**
   * Returns the file holding a node's view of its cluster's metadata tree, whether or not it
   * exists. Commands find it in {@code LC_METADATA}.
   *
   * @param nodeId the node id
   * @return {@code HOME/nodes/<node-id>/metadata.json}
   * @throws IllegalArgumentException if the id is not usable as a file name
   */
  public Path nodeMetadataFile(String nodeId) {
    return nodeDirectory(nodeId).resolve("metadata.json");
  }

  /**
   * Returns the directory where volumes of deleted nodes are kept.
   *
   * @return {@code HOME/kept-volumes}
   */
  public Path keptVolumesDirectory() {
    return root.resolve("kept-volumes");
  }

  /**
   * Returns the directory of cluster records.
   *
   * @return {@code HOME/clusters}
   */
  public Path clustersDirectory() {
    return root.resolve("clusters");
  }

  /**
   * Returns the directory of operation records.
   *
   * @return {@code HOME/operations}
   */
  public Path operationsDirectory() {
    return root.resolve("operations");
  }

  /**
   * Returns the directory of backup records (what {@code FileClusterStore} keeps of each backup).
   *
   * @return {@code HOME/backup-records}
   */
  public Path backupRecordsDirectory() {
    return root.resolve("backup-records");
  }

  /**
   * Returns the directory holding the backup artifacts, one directory per backup.
   *
   * @return {@code HOME/backups}
   */
  public Path backupsDirectory() {
    return root.resolve("backups");
  }

  /**
   * Returns the directory of the metadata tree.
   *
   * @return {@code HOME/metadata}
   */
  public Path metadataDirectory() {
    return root.resolve("metadata");
  }

  /** The index of cluster records by name ({@code ClusterNameIndex}). */
  Path clusterNamesDirectory() {
    return root.resolve("cluster-names");
  }

  /** The index of the cluster records that name an operation ({@code ClusterBusyIndex}). */
  Path clusterBusyDirectory() {
    return root.resolve("cluster-busy");
  }

  /** The batches {@code FileClusterStore} commits before applying them ({@code StoreBatches}). */
  Path storeBatchesDirectory() {
    return root.resolve("store-batches");
  }

  /** The event log of {@code FileClusterStore} ({@code EventFiles}). */
  Path eventsDirectory() {
    return root.resolve("events");
  }

  Path lockFile(String name) {
    return root.resolve(".locks").resolve(name + ".lock");
  }

  Path addressesFile() {
    return root.resolve("addresses.json");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LocalHome other && other.root.equals(root);
  }

  @Override
  public int hashCode() {
    return root.hashCode();
  }

  @Override
  public String toString() {
    return "LocalHome[" + root + "]";
  }
}
