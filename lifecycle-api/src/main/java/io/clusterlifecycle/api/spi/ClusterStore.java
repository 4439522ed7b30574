package io.clusterlifecycle.api.spi;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Durable records of clusters and their operations.
 *
 * <p>Contract: {@link #put} is a compare-and-set on {@link Cluster#version()}: it stores the record
 * only when the stored version equals the record's version ({@code 0}: no record yet), stores it
 * with the version incremented, and otherwise completes exceptionally with {@link
 * VersionConflictException}. Two engines sharing a store therefore never both apply a change made
 * from the same version. A completed stage means the write is durable. Records read back are equal
 * to the records written.
 */
public interface ClusterStore extends AutoCloseable {

  /**
   * Reads a cluster record.
   *
   * @param clusterId the cluster id
   * @return the record, or empty
   */
  CompletionStage<Optional<Cluster>> get(String clusterId);

  /**
   * Reads every cluster record.
   *
   * @return the records, by creation time
   */
  CompletionStage<List<Cluster>> list();

  /**
   * Reads the cluster records with a name, in every namespace and in every state. The engine asks
   * on every create (a live cluster of the same name and namespace refuses it) and whenever a
   * cluster is given by name, so a store answers from an index on the name: the cost must not grow
   * with the number of other records (docs/design.md §9.1).
   *
   * <p>The default filters {@link #list()}, which is correct but reads every record; every shipped
   * store overrides it.
   *
   * @param name the cluster name, compared exactly
   * @return the records with that name, by creation time; empty when there are none
   */
  default CompletionStage<List<Cluster>> named(String name) {
    java.util.Objects.requireNonNull(name, "name");
    return list().thenApply(all -> all.stream().filter(c -> c.name().equals(name)).toList());
  }

  /**
   * Reads the cluster records that name an operation ({@link Cluster#operation()} is present): the
   * clusters an engine is running an operation on, or was when it stopped. Every engine replica
   * asks on start and in its take-over scan, every interval, for operations whose engine's lease
   * lapsed, so a store answers from an index: the cost must grow with these records, not with the
   * number of idle ones (docs/design.md §9.5).
   *
   * <p>The default filters {@link #list()}, which is correct but reads every record; every shipped
   * store overrides it.
   *
   * @return the records that name an operation, as last stored, by creation time
   */
  default CompletionStage<List<Cluster>> busy() {
    return list().thenApply(all -> all.stream().filter(c -> c.operation().isPresent()).toList());
  }

  /**
   * Stores a cluster record if nobody changed it since it was read.
   *
   * @param cluster the record, carrying the version it was read at
   * @return the stored record, with its new version
   */
  CompletionStage<Cluster> put(Cluster cluster);

  /**
   * Applies a batch of writes in one transaction: all of them, or, when the batch's cluster record
   * conflicts (its stored version is not the one it carries), none, and the stage completes
   * exceptionally with {@link VersionConflictException}. A completed stage means every write of the
   * batch is durable, and a crash leaves all of them or none. Concurrent batches may share a commit
   * (group commit), so a store answers many small batches with few durable writes.
   *
   * <p>The default makes the calls one after another: {@link #put} of the cluster first, then
   * {@link #putOperation} of each operation, then one {@link #appendJournal}. It writes nothing on
   * a conflict, but a crash between the calls leaves the cluster stored without the rest, which is
   * what the engine's recovery expects of a store without transactions (docs/design.md §9.5). The
   * shipped stores, except the Kubernetes one, override it with one transaction.
   *
   * @param batch the writes
   * @return the cluster record as stored, with its new version; empty when the batch has none
   */
  default CompletionStage<Optional<Cluster>> write(StoreBatch batch) {
    if (batch == null) {
      return java.util.concurrent.CompletableFuture.failedFuture(new NullPointerException("batch"));
    }
    CompletionStage<Optional<Cluster>> stored =
        batch.cluster().isPresent()
            ? put(batch.cluster().get()).thenApply(Optional::of)
            : java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
    for (Operation operation : batch.operations()) {
      stored = stored.thenCompose(c -> putOperation(operation).thenApply(v -> c));
    }
    if (!batch.journal().isEmpty()) {
      stored = stored.thenCompose(c -> appendJournal(batch.journal()).thenApply(v -> c));
    }
    return stored;
  }

  /**
   * Removes a cluster record, its operations and their journals, and its events (purge).
   *
   * @param clusterId the cluster id
   * @return completes when removed; completes normally when there was no record
   */
  CompletionStage<Void> delete(String clusterId);

  /**
   * Stores an operation record, replacing the one with the same id.
   *
   * @param operation the record
   * @return completes when durable
   */
  CompletionStage<Void> putOperation(Operation operation);

  /**
   * Reads an operation record.
   *
   * @param operationId the operation id
   * @return the record, or empty
   */
  CompletionStage<Optional<Operation>> getOperation(String operationId);

  /**
   * Reads the operations of a cluster.
   *
   * @param clusterId the cluster id
   * @return the records, oldest first
   */
  CompletionStage<List<Operation>> operations(String clusterId);

  /**
   * Appends entries to operations' journals. Implementations write the whole batch in one
   * transaction where they can; the engine groups entries, so one call may carry many. A completed
   * stage means every entry of the batch is durable.
   *
   * @param entries the entries, in the order they happened
   * @return completes when durable
   */
  CompletionStage<Void> appendJournal(List<JournalEntry> entries);

  /**
   * Reads an operation's journal.
   *
   * @param operationId the operation
   * @return its entries in the order they were appended; empty when there are none
   */
  CompletionStage<List<JournalEntry>> journal(String operationId);

  /**
   * Records a backup (docs/design.md §6.10). Backups outlive their cluster: deleting or purging the
   * cluster leaves them in place.
   *
   * @param backup the backup; a backup with the same id is replaced
   * @return completes when the backup is durable
   */
  CompletionStage<Void> putBackup(Backup backup);

  /**
   * Reads a backup.
   *
   * @param backupId the backup id
   * @return the backup, or empty when there is none with this id
   */
  CompletionStage<Optional<Backup>> getBackup(String backupId);

  /**
   * Lists the backups of a cluster.
   *
   * @param clusterId the cluster id
   * @return its backups, oldest first; empty when it has none
   */
  CompletionStage<List<Backup>> backups(String clusterId);

  /**
   * Appends events to the store's event log (docs/design.md §8.3). The store numbers them from one
   * sequence of its own: each event is stored with a {@link LifecycleEvent#seq()} greater than that
   * of every event this store holds, the given events in the given order, all in one transaction (a
   * crash leaves all of them or none). Numbers need not be contiguous. Once {@link #events} has
   * returned an event to any client, no event with a smaller number appears later, so a reader that
   * resumes after the last number it saw misses nothing. The stored events equal the given ones
   * except for their numbers.
   *
   * @param events the events, in the order they happened; each names a cluster; their {@code seq}
   *     is ignored
   * @return the events as stored, with their numbers, in the same order; completes when they are
   *     durable. The stage fails with {@link IllegalArgumentException} when an event names no
   *     cluster, and then stores none of them
   */
  CompletionStage<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> events);

  /**
   * Reads stored events: those of the query's cluster and operation (every one where the query
   * names none) whose number is greater than {@link EventQuery#afterSeq()}, by increasing number,
   * at most {@link EventQuery#limit()} of them. The cost grows with the events returned and, for a
   * query of one cluster, may grow with the events stored after {@code afterSeq}.
   *
   * @param query which events
   * @return the events, by increasing number; empty when there are none
   */
  CompletionStage<List<LifecycleEvent>> events(EventQuery query);

  /** Releases connections the store holds; the default does nothing. */
  @Override
  default void close() {}
}
