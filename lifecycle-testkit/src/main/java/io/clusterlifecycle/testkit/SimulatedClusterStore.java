package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.StoreBatch;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A {@link ClusterStore} decorated by a {@link Simulator}; see {@link Simulator#wrap}. */
final class SimulatedClusterStore implements ClusterStore {
  private final Simulator sim;
  private final ClusterStore delegate;

  SimulatedClusterStore(Simulator sim, ClusterStore delegate) {
    this.sim = sim;
    this.delegate = delegate;
  }

  @Override
  public CompletionStage<Optional<Cluster>> get(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return sim.call(SpiMethod.STORE_GET, "", () -> delegate.get(clusterId));
  }

  @Override
  public CompletionStage<List<Cluster>> list() {
    return sim.call(SpiMethod.STORE_LIST, "", delegate::list);
  }

  @Override
  public CompletionStage<List<Cluster>> named(String name) {
    Objects.requireNonNull(name, "name");
    return sim.call(SpiMethod.STORE_NAMED, "", () -> delegate.named(name));
  }

  @Override
  public CompletionStage<List<Cluster>> busy() {
    return sim.call(SpiMethod.STORE_BUSY, "", delegate::busy);
  }

  @Override
  public CompletionStage<Cluster> put(Cluster cluster) {
    Objects.requireNonNull(cluster, "cluster");
    return sim.call(SpiMethod.STORE_PUT, "", () -> delegate.put(cluster));
  }

  @Override
  public CompletionStage<Optional<Cluster>> write(StoreBatch batch) {
    Objects.requireNonNull(batch, "batch");
    return sim.call(SpiMethod.STORE_WRITE, "", () -> delegate.write(batch));
  }

  @Override
  public CompletionStage<Void> delete(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return sim.call(SpiMethod.STORE_DELETE, "", () -> delegate.delete(clusterId));
  }

  @Override
  public CompletionStage<Void> putOperation(Operation operation) {
    Objects.requireNonNull(operation, "operation");
    return sim.call(SpiMethod.STORE_PUT_OPERATION, "", () -> delegate.putOperation(operation));
  }

  @Override
  public CompletionStage<Optional<Operation>> getOperation(String operationId) {
    Objects.requireNonNull(operationId, "operationId");
    return sim.call(SpiMethod.STORE_GET_OPERATION, "", () -> delegate.getOperation(operationId));
  }

  @Override
  public CompletionStage<List<Operation>> operations(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return sim.call(SpiMethod.STORE_OPERATIONS, "", () -> delegate.operations(clusterId));
  }

  @Override
  public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
    List<JournalEntry> batch = List.copyOf(entries);
    return sim.call(SpiMethod.STORE_APPEND_JOURNAL, "", () -> delegate.appendJournal(batch));
  }

  @Override
  public CompletionStage<List<JournalEntry>> journal(String operationId) {
    Objects.requireNonNull(operationId, "operationId");
    return sim.call(SpiMethod.STORE_JOURNAL, "", () -> delegate.journal(operationId));
  }

  @Override
  public CompletionStage<Void> putBackup(Backup backup) {
    Objects.requireNonNull(backup, "backup");
    return sim.call(SpiMethod.STORE_PUT_BACKUP, "", () -> delegate.putBackup(backup));
  }

  @Override
  public CompletionStage<Optional<Backup>> getBackup(String backupId) {
    Objects.requireNonNull(backupId, "backupId");
    return sim.call(SpiMethod.STORE_GET_BACKUP, "", () -> delegate.getBackup(backupId));
  }

  @Override
  public CompletionStage<List<Backup>> backups(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return sim.call(SpiMethod.STORE_BACKUPS, "", () -> delegate.backups(clusterId));
  }

  @Override
  public CompletionStage<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> events) {
    List<LifecycleEvent> batch = List.copyOf(events);
    return sim.call(SpiMethod.STORE_APPEND_EVENTS, "", () -> delegate.appendEvents(batch));
  }

  @Override
  public CompletionStage<List<LifecycleEvent>> events(EventQuery query) {
    Objects.requireNonNull(query, "query");
    return sim.call(SpiMethod.STORE_EVENTS, "", () -> delegate.events(query));
  }

  /** Does not close the wrapped store, which belongs to the caller. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Simulated[" + delegate + "]";
  }
}
