package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.model.Cluster;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The index of {@link FileClusterStore}'s records that name an operation: an empty file {@code
 * HOME/cluster-busy/<cluster-id>} per such record, so finding them reads one small directory
 * instead of every record.
 *
 * <p>Changes happen under the store's records lock. A marker is made durable before a record that
 * names an operation is written, and removed after a record that names none is written or the
 * record is deleted, so every record naming an operation has a marker; a marker whose record is
 * gone or names no operation (a crash between the two writes) is skipped by the reader, which
 * checks each record. A home written before the index existed is indexed once, the first time the
 * index is used; {@code .complete} in the index directory marks that done.
 */
final class ClusterBusyIndex {
  private static final String COMPLETE = ".complete";

  private final Path root;
  private volatile boolean complete;

  ClusterBusyIndex(Path root) {
    this.root = root;
  }

  /**
   * Marks every record of an older home that names an operation, once; call under the records lock.
   *
   * @param records every cluster record in the home
   */
  void completeOnce(ClusterNameIndex.IoRecords records) throws IOException {
    if (complete) {
      return;
    }
    if (!Files.exists(root.resolve(COMPLETE))) {
      createRoot();
      for (Cluster c : records.all()) {
        if (c.operation().isPresent()) {
          createMarker(c.id());
        }
      }
      AtomicFiles.syncDirectory(root);
      // another process may have finished the same indexing
      AtomicFiles.createMarker(root, COMPLETE);
    }
    complete = true;
  }

  /** Whether the home was indexed; when not, readers take the records lock and index it first. */
  boolean complete() {
    return complete || Files.exists(root.resolve(COMPLETE));
  }

  /** Adds a record's marker, durably; call under the records lock, before the record is written. */
  void add(String clusterId) throws IOException {
    if (Files.exists(root.resolve(clusterId))) {
      return;
    }
    createRoot();
    if (createMarker(clusterId)) {
      AtomicFiles.syncDirectory(root);
    }
  }

  /**
   * Removes a record's marker; call under the records lock, after a record that names no operation
   * was written or the record was deleted.
   */
  void remove(String clusterId) throws IOException {
    if (Files.deleteIfExists(root.resolve(clusterId))) {
      AtomicFiles.syncDirectory(root);
    }
  }

  /**
   * Reads the records the markers point at, keeping those that still name an operation.
   *
   * @param read reads a record by id, null when it is gone
   * @return the records, in no particular order
   */
  List<Cluster> records(Function<String, Cluster> read) throws IOException {
    List<Cluster> out = new ArrayList<>();
    try (DirectoryStream<Path> markers = Files.newDirectoryStream(root)) {
      for (Path marker : markers) {
        String id = marker.getFileName().toString();
        if (id.startsWith(".")) {
          continue;
        }
        Cluster c = read.apply(id);
        if (c != null && c.operation().isPresent()) {
          out.add(c);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return out;
  }

  private void createRoot() throws IOException {
    if (!Files.isDirectory(root)) {
      Files.createDirectories(root);
      AtomicFiles.syncDirectory(root.getParent());
    }
  }

  /** Creates a marker, not yet durable; tells whether it is new. */
  private boolean createMarker(String clusterId) throws IOException {
    try {
      Files.createFile(root.resolve(clusterId));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }
}
