package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.spi.VersionConflictException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A {@link ClusterStore} that keeps records in memory, for tests: it honours the SPI contract
 * (compare-and-set on the version) and counts writes and conflicts.
 *
 * <p>{@link #put} stores the record only when its {@link Cluster#version()} equals the stored
 * version ({@code 0}: no record stored), stores it with the version plus one and completes with the
 * stored record; otherwise it completes exceptionally with {@link VersionConflictException} and
 * changes nothing. The stored record is the given one with only its version changed (no other field
 * is normalised), so a record read back equals the record written except for the version. Records
 * are immutable, so callers cannot change what is stored.
 *
 * <p>Backups are kept apart from clusters: {@link #delete} leaves them, and {@link
 * #backups(String)} lists them by creation time, then by id.
 *
 * <p>Clients: {@link #newClient()} returns another client of the same records, as a second engine
 * replica's connection to one database would be: records, counters and programmed faults are
 * shared, and the compare-and-set holds between clients. {@link #close()} closes one client only:
 * the records stay, readable through the other clients and the inspection methods.
 *
 * <p>Failures: the SPI methods never throw. A null argument fails the stage with {@link
 * NullPointerException}; a call on a closed client fails it with {@link IllegalStateException}. The
 * inspection methods throw {@link NullPointerException} for a null argument and keep working after
 * {@link #close()}.
 *
 * <p>Every stage is complete when the method returns; a completed write is immediately visible to
 * every thread and client. Thread-safe: each method is atomic.
 */
public final class InMemoryClusterStore implements ClusterStore {
  private static final Comparator<Operation> OLDEST_FIRST =
      Comparator.comparing(Operation::createdAt);
  private static final Comparator<Backup> BACKUPS_OLDEST_FIRST =
      Comparator.comparing(Backup::createdAt).thenComparing(Backup::id);

  /** The records, shared by every client of one store. */
  private static final class Records {
    private final Object lock = new Object();
    // guarded by lock
    private final ClusterTable clusters = new ClusterTable();
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final Map<String, List<JournalEntry>> journals = new LinkedHashMap<>();
    private final Map<String, Backup> backups = new LinkedHashMap<>();
    private final EventLog events = new EventLog();
    private int puts;
    private int conflicts;
    private final Faults<Cluster> putFaults = new Faults<>();
  }

  private final Records records;
  private final Object lock;
  private final ClusterTable clusters;
  private final Map<String, Operation> operations;
  private final Map<String, List<JournalEntry>> journals;
  private final Map<String, Backup> backups;
  private final EventLog events;
  private final Faults<Cluster> putFaults;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Creates an empty store. */
  public InMemoryClusterStore() {
    this(new Records());
  }

  private InMemoryClusterStore(Records records) {
    this.records = records;
    this.lock = records.lock;
    this.clusters = records.clusters;
    this.operations = records.operations;
    this.journals = records.journals;
    this.backups = records.backups;
    this.events = records.events;
    this.putFaults = records.putFaults;
  }

  /**
   * Returns another client of this store's records: what either writes, both read, and {@link #put}
   * is a compare-and-set across both. The new client is open even when this one was closed, and is
   * closed on its own.
   *
   * @return a new client of the same records
   */
  public InMemoryClusterStore newClient() {
    return new InMemoryClusterStore(records);
  }

  /**
   * Closes this client: its later SPI calls fail with {@link IllegalStateException}. The records
   * stay, for other clients and the inspection methods. Idempotent.
   */
  @Override
  public void close() {
    closed.set(true);
  }

  /** A failed stage when an SPI call cannot run (a null argument, a closed client), else null. */
  private <T> CompletableFuture<T> refused(String name, Object argument) {
    if (argument == null) {
      return CompletableFuture.failedFuture(new NullPointerException(name));
    }
    return refusedIfClosed();
  }

  private <T> CompletableFuture<T> refusedIfClosed() {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "this InMemoryClusterStore client is closed; use another client or a new store"));
    }
    return null;
  }

  /**
   * Reads a cluster record.
   *
   * @param clusterId the cluster id
   * @return the record, or empty
   */
  @Override
  public CompletableFuture<Optional<Cluster>> get(String clusterId) {
    CompletableFuture<Optional<Cluster>> refused = refused("clusterId", clusterId);
    return refused != null ? refused : CompletableFuture.completedFuture(cluster(clusterId));
  }

  /**
   * Reads every cluster record.
   *
   * @return the records by creation time, then by first write
   */
  @Override
  public CompletableFuture<List<Cluster>> list() {
    CompletableFuture<List<Cluster>> refused = refusedIfClosed();
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(clusters.all());
    }
  }

  /**
   * Reads the records with a name, from an index of names kept with the records.
   *
   * @param name the cluster name
   * @return the records with that name by creation time, then by first write
   */
  @Override
  public CompletableFuture<List<Cluster>> named(String name) {
    CompletableFuture<List<Cluster>> refused = refused("name", name);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(clusters.named(name));
    }
  }

  /**
   * Reads the records that name an operation, from an index kept by every write.
   *
   * @return those records, by creation time
   */
  @Override
  public CompletableFuture<List<Cluster>> busy() {
    CompletableFuture<List<Cluster>> refused = refusedIfClosed();
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(clusters.busy());
    }
  }

  /**
   * Stores a cluster record if its version is the stored one.
   *
   * @param cluster the record, carrying the version it was read at ({@code 0} for a new one)
   * @return the stored record, with its version plus one; exceptionally {@link
   *     VersionConflictException} when the stored version differs, or the error of a programmed
   *     {@link Fault}, and then nothing was stored
   */
  @Override
  public CompletableFuture<Cluster> put(Cluster cluster) {
    CompletableFuture<Cluster> refused = refused("cluster", cluster);
    if (refused != null) {
      return refused;
    }
    Optional<Throwable> fault = putFaults.match(cluster);
    if (fault.isPresent()) {
      return CompletableFuture.failedFuture(fault.get());
    }
    synchronized (lock) {
      Optional<VersionConflictException> conflict = conflict(cluster);
      if (conflict.isPresent()) {
        return CompletableFuture.failedFuture(conflict.get());
      }
      return CompletableFuture.completedFuture(store(cluster));
    }
  }

  /** The conflict a put of {@code cluster} would meet, counted; call holding the lock. */
  private Optional<VersionConflictException> conflict(Cluster cluster) {
    long actual = clusters.version(cluster.id());
    if (cluster.version() == actual) {
      return Optional.empty();
    }
    records.conflicts++;
    return Optional.of(new VersionConflictException(cluster.id(), cluster.version(), actual));
  }

  /** Stores a record that does not conflict, at its version plus one; call holding the lock. */
  private Cluster store(Cluster cluster) {
    records.puts++;
    return clusters.store(cluster);
  }

  /**
   * Applies a batch under the store's lock, so no other call sees a part of it: the cluster as
   * {@link #put} stores it (its programmed faults included), then the operations and the journal.
   *
   * @param batch the writes
   * @return the stored cluster, or empty; exceptionally {@link VersionConflictException} or a
   *     programmed fault, and then nothing of the batch was stored
   */
  @Override
  public CompletableFuture<Optional<Cluster>> write(StoreBatch batch) {
    CompletableFuture<Optional<Cluster>> refused = refused("batch", batch);
    if (refused != null) {
      return refused;
    }
    if (batch.cluster().isPresent()) {
      Optional<Throwable> fault = putFaults.match(batch.cluster().get());
      if (fault.isPresent()) {
        return CompletableFuture.failedFuture(fault.get());
      }
    }
    synchronized (lock) {
      Optional<VersionConflictException> conflict = batch.cluster().flatMap(this::conflict);
      if (conflict.isPresent()) {
        return CompletableFuture.failedFuture(conflict.get());
      }
      Optional<Cluster> stored = batch.cluster().map(this::store);
      batch.operations().forEach(o -> operations.put(o.id(), o));
      batch
          .journal()
          .forEach(e -> journals.computeIfAbsent(e.operationId(), k -> new ArrayList<>()).add(e));
      return CompletableFuture.completedFuture(stored);
    }
  }

  /**
   * Removes a cluster record and every operation of that cluster (with their journals); its backups
   * stay.
   *
   * @param clusterId the cluster id
   * @return completed; also when there was no record
   */
  @Override
  public CompletableFuture<Void> delete(String clusterId) {
    CompletableFuture<Void> refused = refused("clusterId", clusterId);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      clusters.remove(clusterId);
      events.removeCluster(clusterId);
      operations
          .values()
          .removeIf(
              o -> {
                boolean ofCluster = o.clusterId().equals(clusterId);
                if (ofCluster) {
                  journals.remove(o.id());
                }
                return ofCluster;
              });
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Stores an operation record, replacing the one with the same id (which keeps its place among
   * operations with the same creation time).
   *
   * @param operation the record
   * @return completed
   */
  @Override
  public CompletableFuture<Void> putOperation(Operation operation) {
    CompletableFuture<Void> refused = refused("operation", operation);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      operations.put(operation.id(), operation);
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Reads an operation record.
   *
   * @param operationId the operation id
   * @return the record, or empty
   */
  @Override
  public CompletableFuture<Optional<Operation>> getOperation(String operationId) {
    CompletableFuture<Optional<Operation>> refused = refused("operationId", operationId);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(Optional.ofNullable(operations.get(operationId)));
    }
  }

  /**
   * Reads the operations of a cluster.
   *
   * @param clusterId the cluster id
   * @return the records, oldest first by creation time, then by first write
   */
  @Override
  public CompletableFuture<List<Operation>> operations(String clusterId) {
    CompletableFuture<List<Operation>> refused = refused("clusterId", clusterId);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(
          operations.values().stream()
              .filter(o -> o.clusterId().equals(clusterId))
              .sorted(OLDEST_FIRST)
              .toList());
    }
  }

  /**
   * Stores a backup, replacing the one with the same id.
   *
   * @param backup the backup
   * @return completed
   */
  @Override
  public CompletableFuture<Void> putBackup(Backup backup) {
    CompletableFuture<Void> refused = refused("backup", backup);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      backups.put(backup.id(), backup);
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Reads a backup.
   *
   * @param backupId the backup id
   * @return the backup, or empty
   */
  @Override
  public CompletableFuture<Optional<Backup>> getBackup(String backupId) {
    CompletableFuture<Optional<Backup>> refused = refused("backupId", backupId);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(Optional.ofNullable(backups.get(backupId)));
    }
  }

  /**
   * Lists the backups of a cluster, whether or not the cluster still exists.
   *
   * @param clusterId the cluster id
   * @return the backups, oldest first by creation time, then by id; empty when there are none
   */
  @Override
  public CompletableFuture<List<Backup>> backups(String clusterId) {
    CompletableFuture<List<Backup>> refused = refused("clusterId", clusterId);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(
          backups.values().stream()
              .filter(b -> b.clusterId().equals(clusterId))
              .sorted(BACKUPS_OLDEST_FIRST)
              .toList());
    }
  }

  // ---------------------------------------------------------------- faults and inspection

  /**
   * Makes the matching {@link #put} calls fail with {@code error}, before the version check;
   * nothing is stored and nothing counted.
   *
   * @param which which records; called on the calling thread, must not throw
   * @param error the error the stage completes with, for example a {@link
   *     io.clusterlifecycle.api.spi.TransientSpiException}
   * @return the fault, to limit with {@link Fault#times(int)} or to remove
   * @throws NullPointerException if an argument is null
   */
  public Fault failPut(Predicate<Cluster> which, Throwable error) {
    return putFaults.add(which, error);
  }

  /** Removes every programmed fault. */
  public void clearFaults() {
    putFaults.clear();
  }

  /**
   * Reads a cluster record now.
   *
   * @param clusterId the cluster id
   * @return the record, or empty
   * @throws NullPointerException if {@code clusterId} is null
   */
  public Optional<Cluster> cluster(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    synchronized (lock) {
      return clusters.get(clusterId);
    }
  }

  /**
   * Counts the cluster records stored, by {@link #put} and by {@link #write}.
   *
   * @return the number of records stored
   */
  public int putCount() {
    synchronized (lock) {
      return records.puts;
    }
  }

  /**
   * Counts the {@link #put} calls refused with {@link VersionConflictException}.
   *
   * @return the number of conflicts
   */
  public int conflictCount() {
    synchronized (lock) {
      return records.conflicts;
    }
  }

  /**
   * Appends entries to their operations' journals, all at once.
   *
   * @param entries the entries
   * @return completed
   */
  @Override
  public CompletableFuture<Void> appendJournal(List<JournalEntry> entries) {
    CompletableFuture<Void> refused = refused("entries", entries);
    if (refused != null) {
      return refused;
    }
    List<JournalEntry> batch;
    try {
      batch = List.copyOf(entries);
    } catch (NullPointerException e) {
      return CompletableFuture.failedFuture(new NullPointerException("an entry is null"));
    }
    synchronized (lock) {
      batch.forEach(e -> journals.computeIfAbsent(e.operationId(), k -> new ArrayList<>()).add(e));
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Reads an operation's journal.
   *
   * @param operationId the operation
   * @return a copy of its entries in append order
   */
  @Override
  public CompletableFuture<List<JournalEntry>> journal(String operationId) {
    CompletableFuture<List<JournalEntry>> refused = refused("operationId", operationId);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(
          List.copyOf(journals.getOrDefault(operationId, List.of())));
    }
  }

  /**
   * Numbers the events from this store's sequence and keeps them, all or none.
   *
   * @param given the events, each naming a cluster
   * @return the events as stored, with their numbers; failed with {@link IllegalArgumentException}
   *     when one names no cluster
   */
  @Override
  public CompletableFuture<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> given) {
    CompletableFuture<List<LifecycleEvent>> refused = refused("events", given);
    if (refused != null) {
      return refused;
    }
    try {
      List<LifecycleEvent> copy = List.copyOf(given);
      synchronized (lock) {
        return CompletableFuture.completedFuture(events.append(copy));
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Reads the events a query selects.
   *
   * @param query which events
   * @return them, by increasing number
   */
  @Override
  public CompletableFuture<List<LifecycleEvent>> events(EventQuery query) {
    CompletableFuture<List<LifecycleEvent>> refused = refused("query", query);
    if (refused != null) {
      return refused;
    }
    synchronized (lock) {
      return CompletableFuture.completedFuture(events.read(query));
    }
  }
}
