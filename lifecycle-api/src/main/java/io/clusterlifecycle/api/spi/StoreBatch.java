package io.clusterlifecycle.api.spi;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a {@link ClusterStore} applies together, in one transaction ({@link
 * ClusterStore#write(StoreBatch)}): at most one cluster record, stored as {@link ClusterStore#put}
 * stores it (a compare-and-set on its version), operation records, stored as {@link
 * ClusterStore#putOperation} stores them, and journal entries, appended as {@link
 * ClusterStore#appendJournal} appends them. The engine writes an operation's start and its claim of
 * the cluster as one batch (docs/design.md §9.5).
 *
 * @param cluster the cluster record to store, carrying the version it was read at; empty for none
 * @param operations operation records, each replacing the one with its id
 * @param journal journal entries to append, in the order they happened
 */
public record StoreBatch(
    Optional<Cluster> cluster, List<Operation> operations, List<JournalEntry> journal) {

  /**
   * Copies the lists.
   *
   * @param cluster the cluster record, or empty
   * @param operations operation records; copied, no nulls
   * @param journal journal entries; copied, no nulls
   * @throws NullPointerException if an argument or an element is null
   */
  public StoreBatch {
    Objects.requireNonNull(cluster, "cluster");
    operations = List.copyOf(operations);
    journal = List.copyOf(journal);
  }

  /**
   * A batch that claims or changes a cluster and records an operation with it.
   *
   * @param cluster the cluster record, carrying the version it was read at
   * @param operation the operation record
   * @return the batch
   * @throws NullPointerException if an argument is null
   */
  public static StoreBatch of(Cluster cluster, Operation operation) {
    return new StoreBatch(
        Optional.of(Objects.requireNonNull(cluster, "cluster")),
        List.of(Objects.requireNonNull(operation, "operation")),
        List.of());
  }

  /**
   * Tells whether the batch writes nothing.
   *
   * @return true with no cluster, no operations and no journal entries
   */
  public boolean isEmpty() {
    return cluster.isEmpty() && operations.isEmpty() && journal.isEmpty();
  }
}
