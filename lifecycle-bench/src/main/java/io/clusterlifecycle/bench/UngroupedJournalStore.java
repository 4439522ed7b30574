package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A cluster store that undoes the engine's grouped journal commits: every batch the engine appends
 * is written one entry per transaction, one after another, and the batch completes when the last
 * one has. Everything else goes to the wrapped store unchanged. It gives the "without grouped
 * commits" journal figure with the same engine and the same durable store.
 */
public final class UngroupedJournalStore extends ForwardingClusterStore {

  /**
   * Wraps a store.
   *
   * @param store the store; closed with this one
   */
  public UngroupedJournalStore(ClusterStore store) {
    super(store);
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
  public CompletionStage<List<Cluster>> named(String name) {
    return store.named(name);
  }
}
