package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.model.Cluster;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The index of {@link FileClusterStore}'s records by cluster name: an empty file {@code
 * HOME/cluster-names/<encoded name>/<cluster-id>} per record, so finding the records of a name
 * reads one small directory instead of every record.
 *
 * <p>Changes happen under the store's records lock. A marker is made durable before its record is
 * written and removed after its record is deleted, so every record has a marker; a marker whose
 * record is gone or carries another name (a crash between the two writes) is skipped by the reader,
 * which checks each record's name. A home written before the index existed is indexed once, the
 * first time the index is used; {@code .complete} in the index directory marks that done.
 */
final class ClusterNameIndex {
  private static final String COMPLETE = ".complete";
  private static final int MAX_FILE_NAME = 200;

  private final Path root;
  private volatile boolean complete;

  ClusterNameIndex(Path root) {
    this.root = root;
  }

  /**
   * Indexes every record of an older home, once; call under the records lock.
   *
   * @param records every cluster record in the home
   */
  void completeOnce(IoRecords records) throws IOException {
    if (complete) {
      return;
    }
    if (!Files.exists(root.resolve(COMPLETE))) {
      for (Cluster c : records.all()) {
        add(c.name(), c.id());
      }
      Files.createDirectories(root);
      // another process may have finished the same indexing
      AtomicFiles.createMarker(root, COMPLETE);
    }
    complete = true;
  }

  /** Whether the home was indexed; when not, readers take the records lock and index it first. */
  boolean complete() {
    return complete || Files.exists(root.resolve(COMPLETE));
  }

  /** Adds a record's marker, durably; call under the records lock. */
  void add(String name, String clusterId) throws IOException {
    Path dir = root.resolve(fileName(name));
    Path marker = dir.resolve(clusterId);
    if (Files.exists(marker)) {
      return;
    }
    boolean newDir = !Files.isDirectory(dir);
    Files.createDirectories(dir);
    try {
      Files.createFile(marker);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    AtomicFiles.syncDirectory(dir);
    if (newDir) {
      AtomicFiles.syncDirectory(root);
    }
  }

  /** Removes a record's marker; call under the records lock, after the record is gone. */
  void remove(String name, String clusterId) throws IOException {
    Path dir = root.resolve(fileName(name));
    if (Files.deleteIfExists(dir.resolve(clusterId))) {
      AtomicFiles.syncDirectory(dir);
    }
  }

  /**
   * Reads the records a name's markers point at, keeping those that still carry the name.
   *
   * @param name the cluster name
   * @param read reads a record by id, null when it is gone
   * @return the records, in no particular order
   */
  List<Cluster> records(String name, Function<String, Cluster> read) throws IOException {
    List<Cluster> out = new ArrayList<>();
    try (DirectoryStream<Path> markers = Files.newDirectoryStream(root.resolve(fileName(name)))) {
      for (Path marker : markers) {
        String id = marker.getFileName().toString();
        if (id.startsWith(".")) {
          continue;
        }
        Cluster c = read.apply(id);
        if (c != null && c.name().equals(name)) {
          out.add(c);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return out;
  }

  /**
   * A directory name for a cluster name: URL-encoded with dots and stars escaped too (so no name is
   * hidden, relative or a glob), or a hash when that is too long for a file name.
   */
  static String fileName(String name) {
    String encoded =
        URLEncoder.encode(name, StandardCharsets.UTF_8).replace(".", "%2E").replace("*", "%2A");
    if (encoded.length() <= MAX_FILE_NAME) {
      return encoded;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Every cluster record of the home. */
  @FunctionalInterface
  interface IoRecords {
    List<Cluster> all() throws IOException;
  }
}
