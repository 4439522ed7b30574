package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A cluster store that undoes the engine's grouped journal commits: every batch the engine appends
 * is written one entry per transaction, one after another, and the batch completes when the last
 * one has. Everything else goes to the wrapped store unchanged. It gives the "without grouped
 * commits" journal figure with the same engine and the same durable store.
 */
public final class UngroupedJournalStore implements ClusterStore {
  private final ClusterStore store;

  /**
   * Wraps a store.
   *
   * @param store the store; closed with this one
   */
  public UngroupedJournalStore(ClusterStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (JournalEntry e : List.copyOf(entries)) {
      chain = chain.thenCompose(v -> store.appendJournal(List.of(e)));
    }
    return chain;
  }

  @Override
  public CompletionStage<Optional<Cluster>> get(String clusterId) {
    return store.get(clusterId);
  }

  @Override
  public CompletionStage<List<Cluster>> list() {
    return store.list();
  }

  @Override
  public CompletionStage<Cluster> put(Cluster cluster) {
    return store.put(cluster);
  }

  @Override
  public CompletionStage<Void> delete(String clusterId) {
    return store.delete(clusterId);
  }

  @Override
  public CompletionStage<Void> putOperation(Operation operation) {
    return store.putOperation(operation);
  }

  @Override
  public CompletionStage<Optional<Operation>> getOperation(String operationId) {
    return store.getOperation(operationId);
  }

  @Override
  public CompletionStage<List<Operation>> operations(String clusterId) {
    return store.operations(clusterId);
  }

  @Override
  public CompletionStage<List<JournalEntry>> journal(String operationId) {
    return store.journal(operationId);
  }

  @Override
  public CompletionStage<Void> putBackup(Backup backup) {
    return store.putBackup(backup);
  }

  @Override
  public CompletionStage<Optional<Backup>> getBackup(String backupId) {
    return store.getBackup(backupId);
  }

  @Override
  public CompletionStage<List<Backup>> backups(String clusterId) {
    return store.backups(clusterId);
  }

  @Override
  public void close() {
    store.close();
  }
}
