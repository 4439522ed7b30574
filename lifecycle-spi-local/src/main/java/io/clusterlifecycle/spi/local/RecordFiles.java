package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.codec.RecordCodec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where {@link FileClusterStore} keeps each record in a {@link LocalHome}, and how it reads them.
 * Ids are checked by {@link Ids#check}, so a path never leaves its directory.
 */
final class RecordFiles {
  private static final Logger LOG = LoggerFactory.getLogger(RecordFiles.class);
  private static final String SUFFIX = ".json";

  private final LocalHome home;

  RecordFiles(LocalHome home) {
    this.home = home;
  }

  Path clusterFile(String clusterId) {
    return home.clustersDirectory().resolve(Ids.check("cluster id", clusterId) + SUFFIX);
  }

  Path operationFile(String operationId) {
    return home.operationsDirectory().resolve(Ids.check("operation id", operationId) + SUFFIX);
  }

  Path journalFile(String operationId) {
    return home.operationsDirectory().resolve(Ids.check("operation id", operationId) + ".journal");
  }

  Path backupFile(String backupId) {
    return home.backupRecordsDirectory().resolve(Ids.check("backup id", backupId) + SUFFIX);
  }

  /** Reads a record an index names; null when it is gone, or not a valid record id or record. */
  Cluster readIndexed(String clusterId) {
    Path file;
    try {
      file = clusterFile(clusterId);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return readQuietly(file, Cluster.class).orElse(null);
  }

  /** The clusters by creation time, ties broken by id. */
  static List<Cluster> byCreation(List<Cluster> records) {
    List<Cluster> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparing(Cluster::createdAt).thenComparing(Cluster::id));
    return List.copyOf(sorted);
  }

  /**
   * Reads a record file.
   *
   * @return the record, or empty when there is no file
   * @throws IllegalStateException naming the file when it is not a valid record
   */
  static <T> Optional<T> read(Path file, Class<T> type) throws IOException {
    Optional<String> text = AtomicFiles.readIfExists(file);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(RecordCodec.read(text.get(), type));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          file + " is not a valid " + type.getSimpleName() + " record: " + e.getMessage(), e);
    }
  }

  /** Like {@link #read}, but a file that vanished or is unreadable is skipped with a warning. */
  static <T> Optional<T> readQuietly(Path file, Class<T> type) {
    try {
      return read(file, type);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | IllegalStateException e) {
      LOG.warn("skipping {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Reads the records of a directory that {@code keep} accepts, in {@code order}. */
  static <T> List<T> readAll(Path dir, Class<T> type, Predicate<T> keep, Comparator<T> order)
      throws IOException {
    List<T> records = new ArrayList<>();
    for (Path file : files(dir)) {
      readQuietly(file, type).filter(keep).ifPresent(records::add);
    }
    records.sort(order);
    return List.copyOf(records);
  }

  /** The record files of a directory, without temporary files. */
  static List<Path> files(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : stream) {
        if (!p.getFileName().toString().startsWith(".")) {
          files.add(p);
        }
      }
    }
    return files;
  }
}
