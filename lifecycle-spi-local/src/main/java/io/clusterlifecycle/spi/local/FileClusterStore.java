package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.codec.RecordCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cluster, operation and backup records as JSON files in a {@link LocalHome}: the embedded default
 * {@link ClusterStore}.
 *
 * <p>A cluster is {@code HOME/clusters/<cluster-id>.json}, an operation {@code
 * HOME/operations/<operation-id>.json} (its journal {@code <operation-id>.journal} next to it) and
 * a backup {@code HOME/backup-records/<backup-id>.json}, each in the form of {@link RecordCodec};
 * {@code HOME/cluster-names} indexes the clusters by name (see {@link #named}) and {@code
 * HOME/cluster-busy} those that name an operation (see {@link #busy}). Backup records are apart
 * from the clusters: {@link #delete} leaves them. Every write goes to a temporary file that is
 * forced to disk and then renamed over the record, so a completed stage means the record is durable
 * and a killed process never leaves a torn one.
 *
 * <p>The event log is segments of JSON lines, {@code HOME/events/<first-seq>.jsonl}, each named by
 * the first number it may hold (20 digits). {@link #appendEvents} numbers a batch after the last
 * event of the newest segment, under the lock file, and adds it at that segment's end in one forced
 * write, ended by an empty line: a batch without it, left by a killed process, is never read and is
 * cut off by the next append. A batch starts a new segment once the newest holds 1,000 events.
 * {@link #events} reads whole batches only, from the segment holding the number after {@code
 * afterSeq}, without the lock unless a purge runs; as batches are only ever added at the end, it
 * never returns an event without those numbered before it. {@link #delete} rewrites the segments
 * holding the cluster's events without them; numbers keep increasing.
 *
 * <p>{@link #put} is a compare-and-set on {@link Cluster#version()} that holds across threads,
 * store instances and processes sharing the home: every write happens under a lock file. The stored
 * and returned record is the given one with its version incremented, as read back from the file (so
 * times carry milliseconds, as {@link RecordCodec} writes them). {@link #write} stores a batch
 * whole or not at all, a killed process included: a batch of several files is first committed to a
 * file of its own in {@code HOME/store-batches}, which the next call on the home completes if its
 * writer was killed before it finished. Ids must be usable as file names (see {@link
 * LocalHome#nodeDirectory}); other ids fail the stage with {@link IllegalArgumentException}. A
 * record file that is not a valid record fails the stage that reads it with {@link
 * IllegalStateException} naming the file.
 *
 * <p>Methods never throw: a null argument fails the stage with {@link NullPointerException}, and a
 * call on a closed store fails it with {@link IllegalStateException}. Thread-safe.
 */
public final class FileClusterStore implements ClusterStore {
  private final LocalHome home;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final Path lockFile;
  private final ClusterNameIndex names;
  private final ClusterBusyIndex busy;
  private final RecordFiles files;
  private final StoreBatches batches;
  private final EventFiles eventLog;
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
    this.busy = new ClusterBusyIndex(home.clusterBusyDirectory());
    this.files = new RecordFiles(home);
    this.batches = new StoreBatches(home.storeBatchesDirectory(), files, names, busy);
    this.eventLog = new EventFiles(home.eventsDirectory(), lockFile);
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Cluster>> get(String clusterId) {
    return read(
        "read cluster " + clusterId,
        () -> RecordFiles.read(files.clusterFile(clusterId), Cluster.class));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Cluster>> list() {
    return read(
        "list clusters",
        () ->
            RecordFiles.readAll(
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
    return read(
        "look up clusters named " + name,
        () -> {
          if (!names.complete()) {
            locked(this::indexOnce);
          }
          return RecordFiles.byCreation(names.records(name, files::readIndexed));
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the index {@code HOME/cluster-busy} and the records it names; ties in creation time
   * are broken by id. A home written by a release without the index is indexed by the first call.
   */
  @Override
  public CompletionStage<List<Cluster>> busy() {
    return read(
        "list the clusters running an operation",
        () -> {
          if (!busy.complete()) {
            locked(this::indexOnce);
          }
          return RecordFiles.byCreation(busy.records(files::readIndexed));
        });
  }

  /**
   * Indexes an older home's records by name and by whether they name an operation, once, reading
   * them at most once; under the records lock.
   */
  private Void indexOnce() throws IOException {
    List<List<Cluster>> read = new ArrayList<>();
    ClusterNameIndex.IoRecords all =
        () -> {
          if (read.isEmpty()) {
            read.add(
                RecordFiles.readAll(
                    home.clustersDirectory(),
                    Cluster.class,
                    c -> true,
                    Comparator.comparing(Cluster::id)));
          }
          return read.get(0);
        };
    names.completeOnce(all);
    busy.completeOnce(all);
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
        () -> locked(() -> store(Optional.of(cluster), List.of(), List.of()).orElseThrow()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with {@link VersionConflictException} as {@link #put} does, storing nothing of the
   * batch. A stage failed by an I/O error may leave the batch committed: the next call on the home
   * then completes it.
   */
  @Override
  public CompletionStage<Optional<Cluster>> write(StoreBatch batch) {
    if (batch == null) {
      return nullArgument("batch");
    }
    String what =
        "write a batch"
            + batch.cluster().map(c -> " of cluster " + c.id()).orElse("")
            + " with "
            + batch.operations().size()
            + " operations and "
            + batch.journal().size()
            + " journal entries";
    return run(
        what,
        () ->
            batch.isEmpty()
                ? Optional.empty()
                : locked(() -> store(batch.cluster(), batch.operations(), batch.journal())));
  }

  /** Checks the cluster's version and writes the batch; under the records lock. */
  private Optional<Cluster> store(
      Optional<Cluster> cluster, List<Operation> operations, List<JournalEntry> journal)
      throws IOException {
    Optional<Cluster> before = Optional.empty();
    if (cluster.isPresent()) {
      Cluster c = cluster.get();
      before = RecordFiles.read(files.clusterFile(c.id()), Cluster.class);
      long stored = before.map(Cluster::version).orElse(0L);
      if (stored != c.version()) {
        throw new VersionConflictException(c.id(), c.version(), stored);
      }
      indexOnce();
    }
    return batches.write(
        cluster.map(c -> c.withVersion(c.version() + 1)), before, operations, journal);
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
          Path file = files.clusterFile(clusterId);
          return locked(
              () -> {
                eventLog.purge(clusterId);
                for (Path op : RecordFiles.files(home.operationsDirectory())) {
                  Optional<Operation> o = RecordFiles.readQuietly(op, Operation.class);
                  if (o.isPresent() && o.get().clusterId().equals(clusterId)) {
                    Files.deleteIfExists(op);
                    Files.deleteIfExists(files.journalFile(o.get().id()));
                  }
                }
                Optional<Cluster> gone = RecordFiles.readQuietly(file, Cluster.class);
                Files.deleteIfExists(file);
                AtomicFiles.syncDirectory(home.operationsDirectory());
                AtomicFiles.syncDirectory(home.clustersDirectory());
                if (gone.isPresent()) {
                  names.remove(gone.get().name(), clusterId);
                }
                busy.remove(clusterId);
                return null;
              });
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
          Path file = files.operationFile(operation.id());
          String json = RecordCodec.write(operation) + "\n";
          return locked(
              () -> {
                AtomicFiles.writeString(file, json);
                return null;
              });
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Operation>> getOperation(String operationId) {
    return read(
        "read operation " + operationId,
        () -> RecordFiles.read(files.operationFile(operationId), Operation.class));
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
    return read(
        "list operations of cluster " + clusterId,
        () ->
            RecordFiles.readAll(
                home.operationsDirectory(),
                Operation.class,
                o -> o.clusterId().equals(clusterId),
                Comparator.comparing(Operation::createdAt).thenComparing(Operation::id)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each operation's journal is a JSON-lines file next to its record, appended to and forced to
   * disk once per batch and file, under the records lock. The entries of one operation are appended
   * whole; those of several operations are appended one operation after another.
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
          Map<String, String> lines = JournalFiles.linesByOperation(batch);
          lines.keySet().forEach(files::journalFile);
          return locked(
              () -> {
                for (Map.Entry<String, String> e : lines.entrySet()) {
                  Path file = files.journalFile(e.getKey());
                  JournalFiles.writeAt(file, JournalFiles.end(file), e.getValue());
                }
                return null;
              });
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>A torn last line (a crash in the middle of an append) is ignored, as that entry was never
   * reported durable, and cut off by the next append; a damaged line before the last fails the
   * read.
   */
  @Override
  public CompletionStage<List<JournalEntry>> journal(String operationId) {
    return read(
        "read journal of " + operationId, () -> JournalFiles.read(files.journalFile(operationId)));
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
          Path file = files.backupFile(backup.id());
          String json = RecordCodec.write(backup) + "\n";
          return locked(
              () -> {
                AtomicFiles.writeString(file, json);
                return null;
              });
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Backup>> getBackup(String backupId) {
    return run(
        "read backup " + backupId,
        () -> RecordFiles.read(files.backupFile(backupId), Backup.class));
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
            RecordFiles.readAll(
                home.backupRecordsDirectory(),
                Backup.class,
                b -> b.clusterId().equals(clusterId),
                Comparator.comparing(Backup::createdAt).thenComparing(Backup::id)));
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> events) {
    return run("append events", () -> eventLog.append(events));
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<List<LifecycleEvent>> events(EventQuery query) {
    return run("read events", () -> eventLog.read(query));
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

  /**
   * Runs a read of clusters, operations or journals once no batch is pending: a batch being written
   * is waited for, and one whose writer was killed is completed first.
   */
  private <T> CompletionStage<T> read(String what, Async.IoCallable<T> work) {
    return run(
        what,
        () -> {
          if (batches.pending()) {
            locked(() -> null);
          }
          return work.call();
        });
  }

  /**
   * Runs an action under the records lock, after completing the batches that a killed writer left.
   * Never called with the lock held, so that a batch being written is never applied twice at once.
   */
  private <T> T locked(HomeLocks.IoSupplier<T> action) throws IOException {
    return HomeLocks.withLock(
        lockFile,
        () -> {
          batches.recover();
          return action.get();
        });
  }

  private static <T> CompletionStage<T> nullArgument(String name) {
    return CompletableFuture.failedFuture(new NullPointerException(name + " is null"));
  }
}
