package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A cluster store that passes every call to another, for a subclass to change some. {@link
 * ClusterStore#named} is not passed on: it stays the interface's default (filtering {@link #list})
 * unless a subclass forwards it too.
 */
class ForwardingClusterStore implements ClusterStore {
  /** The wrapped store. */
  protected final ClusterStore store;

  /**
   * Wraps a store.
   *
   * @param store the store; closed with this one
   */
  ForwardingClusterStore(ClusterStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
    return store.appendJournal(entries);
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
  public CompletionStage<Optional<Cluster>> write(io.clusterlifecycle.api.spi.StoreBatch batch) {
    return store.write(batch);
  }

  @Override
  public CompletionStage<List<Cluster>> busy() {
    return store.busy();
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
  public CompletionStage<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> events) {
    return store.appendEvents(events);
  }

  @Override
  public CompletionStage<List<LifecycleEvent>> events(EventQuery query) {
    return store.events(query);
  }

  @Override
  public void close() {
    store.close();
  }
}
