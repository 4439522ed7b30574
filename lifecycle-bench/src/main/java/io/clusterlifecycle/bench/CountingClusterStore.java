package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cluster store that counts the calls the engine makes, by method and by calling thread, and
 * passes them to the wrapped store. It shows how many store round trips (and, for the writes,
 * durable transactions) an operation costs, and which threads wait for them.
 */
public final class CountingClusterStore implements ClusterStore {
  private final ClusterStore store;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> threads = new ConcurrentHashMap<>();

  /**
   * Wraps a store.
   *
   * @param store the store; closed with this one
   */
  public CountingClusterStore(ClusterStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * Calls so far, by method.
   *
   * @return method name to count, sorted by name
   */
  public Map<String, Long> calls() {
    Map<String, Long> out = new TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * Calls so far, by the name of the thread that made them (digits folded to {@code N}).
   *
   * @return thread name to count, sorted by name
   */
  public Map<String, Long> threads() {
    Map<String, Long> out = new TreeMap<>();
    threads.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private void count(String method) {
    calls.computeIfAbsent(method, k -> new LongAdder()).increment();
    threads.computeIfAbsent(Thread.currentThread().getName().replaceAll("\\d+", "N"),
        k -> new LongAdder()).increment();
  }

  @Override
  public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
    count("appendJournal");
    return store.appendJournal(entries);
  }

  @Override
  public CompletionStage<Optional<Cluster>> get(String clusterId) {
    count("get");
    return store.get(clusterId);
  }

  @Override
  public CompletionStage<List<Cluster>> list() {
    count("list");
    return store.list();
  }

  @Override
  public CompletionStage<Cluster> put(Cluster cluster) {
    count("put");
    return store.put(cluster);
  }

  @Override
  public CompletionStage<Void> delete(String clusterId) {
    count("delete");
    return store.delete(clusterId);
  }

  @Override
  public CompletionStage<Void> putOperation(Operation operation) {
    count("putOperation");
    return store.putOperation(operation);
  }

  @Override
  public CompletionStage<Optional<Operation>> getOperation(String operationId) {
    count("getOperation");
    return store.getOperation(operationId);
  }

  @Override
  public CompletionStage<List<Operation>> operations(String clusterId) {
    count("operations");
    return store.operations(clusterId);
  }

  @Override
  public CompletionStage<List<JournalEntry>> journal(String operationId) {
    count("journal");
    return store.journal(operationId);
  }

  @Override
  public CompletionStage<Void> putBackup(Backup backup) {
    count("putBackup");
    return store.putBackup(backup);
  }

  @Override
  public CompletionStage<Optional<Backup>> getBackup(String backupId) {
    count("getBackup");
    return store.getBackup(backupId);
  }

  @Override
  public CompletionStage<List<Backup>> backups(String clusterId) {
    count("backups");
    return store.backups(clusterId);
  }

  @Override
  public void close() {
    store.close();
  }
}
