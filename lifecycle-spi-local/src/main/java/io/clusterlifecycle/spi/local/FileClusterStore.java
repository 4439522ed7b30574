package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.codec.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster, operation and backup records as JSON files in a {@link LocalHome}: the embedded default
 * {@link ClusterStore}.
 *
 * <p>A cluster is {@code HOME/clusters/<cluster-id>.json}, an operation {@code
 * HOME/operations/<operation-id>.json} (its journal {@code <operation-id>.journal} next to it) and
 * a backup {@code HOME/backup-records/<backup-id>.json}, each in the form of {@link RecordCodec};
 * {@code HOME/cluster-names} indexes the clusters by name (see {@link #named}). Backup records are
 * apart from the clusters: {@link #delete} leaves them. Every write goes to a temporary file that
 * is forced to disk and then renamed over the record, so a completed stage means the record is
 * durable and a killed process never leaves a torn one.
 *
 * <p>{@link #put} is a compare-and-set on {@link Cluster#version()} that holds across threads,
 * store instances and processes sharing the home: the check and the write happen under a lock file.
 * The stored and returned record is the given one with its version incremented, as read back from
 * the file (so times carry milliseconds, as {@link RecordCodec} writes them). Ids must be usable as
 * file names (see {@link LocalHome#nodeDirectory}); other ids fail the stage with {@link
 * IllegalArgumentException}. A record file that is not a valid record fails the stage that reads it
 * with {@link IllegalStateException} naming the file.
 *
 * <p>Methods never throw: a null argument fails the stage with {@link NullPointerException}, and a
 * call on a closed store fails it with {@link IllegalStateException}. Thread-safe.
 */
public final class FileClusterStore implements ClusterStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileClusterStore.class);
  private static final String SUFFIX = ".json";

  private final LocalHome home;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final Path lockFile;
  private final ClusterNameIndex names;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates a store that works on a pool of its own, shut down by {@link #close()}.
   *
   * @param home the home holding the records
   * @throws NullPointerException if {@code home} is null
   */
  public FileClusterStore(LocalHome home) {
    this(home, null, Pools.io("lifecycle-spi-local-store", 2));
  }

  /**
   * Creates a store that works on the caller's executor, which it does not shut down.
   *
   * @param home the home holding the records
   * @param executor runs the file work
   * @throws NullPointerException if an argument is null
   */
  public FileClusterStore(LocalHome home, Executor executor) {
    this(home, Objects.requireNonNull(executor, "executor"), null);
  }

  private FileClusterStore(LocalHome home, Executor executor, ExecutorService owned) {
    this.home = Objects.requireNonNull(home, "home");
    this.ownedExecutor = owned;
    this.executor = owned != null ? owned : executor;
    this.lockFile = home.lockFile("records");
    this.names = new ClusterNameIndex(home.clusterNamesDirectory());
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Cluster>> get(String clusterId) {
    return run("read cluster " + clusterId, () -> read(clusterFile(clusterId), Cluster.class));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Cluster>> list() {
    return run(
        "list clusters",
        () ->
            readAll(
                home.clustersDirectory(),
                Cluster.class,
                c -> true,
                Comparator.comparing(Cluster::createdAt).thenComparing(Cluster::id)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the name's directory of the index {@code HOME/cluster-names} and the records it names;
   * ties in creation time are broken by id. A home written by a release without the index is
   * indexed by the first call.
   */
  @Override
  public CompletionStage<List<Cluster>> named(String name) {
    if (name == null) {
      return nullArgument("name");
    }
    return run(
        "look up clusters named " + name,
        () -> {
          if (!names.complete()) {
            HomeLocks.withLock(lockFile, this::indexOnce);
          }
          List<Cluster> found =
              new ArrayList<>(
                  names.records(
                      name, id -> readQuietly(clusterFile(id), Cluster.class).orElse(null)));
          found.sort(Comparator.comparing(Cluster::createdAt).thenComparing(Cluster::id));
          return List.copyOf(found);
        });
  }

  /** Indexes an older home's records by name, once; under the records lock. */
  private Void indexOnce() throws IOException {
    names.completeOnce(
        () ->
            readAll(
                home.clustersDirectory(),
                Cluster.class,
                c -> true,
                Comparator.comparing(Cluster::id)));
    return null;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with {@link VersionConflictException} when the stored version differs from {@code
   * cluster.version()} (a version of {@code 0} requires that no record exists).
   */
  @Override
  public CompletionStage<Cluster> put(Cluster cluster) {
    if (cluster == null) {
      return nullArgument("cluster");
    }
    return run(
        "store cluster " + cluster.id(),
        () -> {
          Path file = clusterFile(cluster.id());
          return HomeLocks.withLock(
              lockFile,
              () -> {
                Optional<Cluster> before = read(file, Cluster.class);
                long stored = before.map(Cluster::version).orElse(0L);
                if (stored != cluster.version()) {
                  throw new VersionConflictException(cluster.id(), cluster.version(), stored);
                }
                indexOnce();
                names.add(cluster.name(), cluster.id());
                String json = RecordCodec.write(cluster.withVersion(cluster.version() + 1));
                AtomicFiles.writeString(file, json + "\n");
                if (before.isPresent() && !before.get().name().equals(cluster.name())) {
                  names.remove(before.get().name(), cluster.id());
                }
                return RecordCodec.read(json, Cluster.class);
              });
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The cluster's backup records stay.
   */
  @Override
  public CompletionStage<Void> delete(String clusterId) {
    return run(
        "delete cluster " + clusterId,
        () -> {
          Path file = clusterFile(clusterId);
          HomeLocks.withLock(
              lockFile,
              () -> {
                for (Path op : files(home.operationsDirectory())) {
                  Optional<Operation> o = readQuietly(op, Operation.class);
                  if (o.isPresent() && o.get().clusterId().equals(clusterId)) {
                    Files.deleteIfExists(op);
                    Files.deleteIfExists(journalFile(o.get().id()));
                  }
                }
                Optional<Cluster> gone = readQuietly(file, Cluster.class);
                Files.deleteIfExists(file);
                AtomicFiles.syncDirectory(home.operationsDirectory());
                AtomicFiles.syncDirectory(home.clustersDirectory());
                if (gone.isPresent()) {
                  names.remove(gone.get().name(), clusterId);
                }
                return null;
              });
          return null;
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Void> putOperation(Operation operation) {
    if (operation == null) {
      return nullArgument("operation");
    }
    return run(
        "store operation " + operation.id(),
        () -> {
          Path file = operationFile(operation.id());
          String json = RecordCodec.write(operation) + "\n";
          HomeLocks.withLock(
              lockFile,
              () -> {
                AtomicFiles.writeString(file, json);
                return null;
              });
          return null;
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Operation>> getOperation(String operationId) {
    return run(
        "read operation " + operationId, () -> read(operationFile(operationId), Operation.class));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Scans every operation record of the home; ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Operation>> operations(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    return run(
        "list operations of cluster " + clusterId,
        () ->
            readAll(
                home.operationsDirectory(),
                Operation.class,
                o -> o.clusterId().equals(clusterId),
                Comparator.comparing(Operation::createdAt).thenComparing(Operation::id)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each operation's journal is a JSON-lines file next to its record, appended to and forced to
   * disk once per batch and file.
   */
  @Override
  public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
    List<JournalEntry> batch;
    try {
      batch = List.copyOf(entries);
    } catch (NullPointerException e) {
      return nullArgument("entries, or one of its entries,");
    }
    return run(
        "append " + batch.size() + " journal entries",
        () -> {
          Map<String, StringBuilder> byOperation = new LinkedHashMap<>();
          for (JournalEntry e : batch) {
            byOperation
                .computeIfAbsent(e.operationId(), k -> new StringBuilder())
                .append(RecordCodec.write(e))
                .append('\n');
          }
          for (Map.Entry<String, StringBuilder> e : byOperation.entrySet()) {
            try (FileChannel ch =
                FileModes.open(
                    journalFile(e.getKey()),
                    java.util.Set.of(
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND))) {
              ByteBuffer bytes =
                  ByteBuffer.wrap(e.getValue().toString().getBytes(StandardCharsets.UTF_8));
              while (bytes.hasRemaining()) {
                ch.write(bytes);
              }
              ch.force(false);
            }
          }
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>A torn last line (a crash in the middle of an append) is ignored, as that entry was never
   * reported durable; a damaged line before the last fails the read.
   */
  @Override
  public CompletionStage<List<JournalEntry>> journal(String operationId) {
    return run(
        "read journal of " + operationId,
        () -> {
          Path file = journalFile(operationId);
          if (!Files.exists(file)) {
            return List.of();
          }
          List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
          List<JournalEntry> out = new ArrayList<>(lines.size());
          for (int i = 0; i < lines.size(); i++) {
            try {
              out.add(RecordCodec.read(lines.get(i), JournalEntry.class));
            } catch (IllegalArgumentException e) {
              if (i < lines.size() - 1) {
                throw new IllegalStateException(
                    "journal " + file + " is damaged at line " + (i + 1) + ": " + e.getMessage(),
                    e);
              }
              LOG.warn("ignoring the torn last line of journal {}", file);
            }
          }
          return out;
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Void> putBackup(Backup backup) {
    if (backup == null) {
      return nullArgument("backup");
    }
    return run(
        "store backup " + backup.id(),
        () -> {
          Path file = backupFile(backup.id());
          String json = RecordCodec.write(backup) + "\n";
          HomeLocks.withLock(
              lockFile,
              () -> {
                AtomicFiles.writeString(file, json);
                return null;
              });
          return null;
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Backup>> getBackup(String backupId) {
    return run("read backup " + backupId, () -> read(backupFile(backupId), Backup.class));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Scans every backup record of the home; ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Backup>> backups(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    return run(
        "list backups of cluster " + clusterId,
        () ->
            readAll(
                home.backupRecordsDirectory(),
                Backup.class,
                b -> b.clusterId().equals(clusterId),
                Comparator.comparing(Backup::createdAt).thenComparing(Backup::id)));
  }

  private Path backupFile(String backupId) {
    return home.backupRecordsDirectory().resolve(Ids.check("backup id", backupId) + SUFFIX);
  }

  private Path journalFile(String operationId) {
    return home.operationsDirectory().resolve(Ids.check("operation id", operationId) + ".journal");
  }

  /**
   * Closes the store: later calls fail their stages with {@link IllegalStateException}, and the
   * pool the store created, if it created one, is shut down. The records stay in the home.
   * Idempotent.
   */
  @Override
  public void close() {
    closed.set(true);
    if (ownedExecutor != null) {
      Pools.shutdown(ownedExecutor);
    }
  }

  /** Runs file work on the executor, or fails at once when the store is closed. */
  private <T> CompletionStage<T> run(String what, Async.IoCallable<T> work) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "cannot " + what + ": the cluster store of " + home + " is closed; open a new one"));
    }
    return Async.supply(executor, what, work);
  }

  private static <T> CompletionStage<T> nullArgument(String name) {
    return CompletableFuture.failedFuture(new NullPointerException(name + " is null"));
  }

  private Path clusterFile(String clusterId) {
    return home.clustersDirectory().resolve(Ids.check("cluster id", clusterId) + SUFFIX);
  }

  private Path operationFile(String operationId) {
    return home.operationsDirectory().resolve(Ids.check("operation id", operationId) + SUFFIX);
  }

  private static <T> Optional<T> read(Path file, Class<T> type) throws IOException {
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
  private static <T> Optional<T> readQuietly(Path file, Class<T> type) {
    try {
      return read(file, type);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | IllegalStateException e) {
      LOG.warn("skipping {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  private static <T> List<T> readAll(
      Path dir, Class<T> type, Predicate<T> keep, Comparator<T> order) throws IOException {
    List<T> records = new ArrayList<>();
    for (Path file : files(dir)) {
      readQuietly(file, type).filter(keep).ifPresent(records::add);
    }
    records.sort(order);
    return List.copyOf(records);
  }

  private static List<Path> files(Path dir) throws IOException {
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
