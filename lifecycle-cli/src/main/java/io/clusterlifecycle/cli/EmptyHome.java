package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A home that does not exist yet, as the engine sees it: no clusters, operations, backups, nodes or
 * metadata, and nothing can be written. The CLI answers queries and checks requests against it so
 * that a command that is refused, or only reads, creates no home (docs/design.md §10.1); a command
 * that is accepted then runs on the real home, created at that point.
 */
final class EmptyHome {
  private EmptyHome() {}

  private static <T> CompletableFuture<T> refused() {
    return CompletableFuture.failedFuture(
        new IllegalStateException("the home does not exist yet: nothing is written to it"));
  }

  /** No records, and no writes. */
  static final class Store implements ClusterStore {
    @Override
    public CompletionStage<Optional<Cluster>> get(String clusterId) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<List<Cluster>> list() {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<Cluster>> named(String name) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<Cluster> put(Cluster cluster) {
      return refused();
    }

    @Override
    public CompletionStage<Void> delete(String clusterId) {
      return refused();
    }

    @Override
    public CompletionStage<Void> putOperation(Operation operation) {
      return refused();
    }

    @Override
    public CompletionStage<Optional<Operation>> getOperation(String operationId) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<List<Operation>> operations(String clusterId) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
      return refused();
    }

    @Override
    public CompletionStage<List<JournalEntry>> journal(String operationId) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<Void> putBackup(Backup backup) {
      return refused();
    }

    @Override
    public CompletionStage<Optional<Backup>> getBackup(String backupId) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<List<Backup>> backups(String clusterId) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> events) {
      return refused();
    }

    @Override
    public CompletionStage<List<LifecycleEvent>> events(EventQuery query) {
      return CompletableFuture.completedFuture(List.of());
    }
  }

  /** An empty tree that takes no commits. */
  static final class Metadata implements MetadataStore {
    @Override
    public CompletionStage<Void> commit(MetadataChange change) {
      return refused();
    }

    @Override
    public CompletionStage<Map<String, String>> get(String prefix) {
      return CompletableFuture.completedFuture(Map.of());
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<MetadataChange> listener) {
      return () -> {};
    }
  }

  /** No nodes, and none created. */
  static final class Resources implements ResourceProvider {
    @Override
    public CompletionStage<NodeResource> create(NodeSpec node) {
      return refused();
    }

    @Override
    public CompletionStage<Optional<NodeResource>> find(NodeRef node) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<List<NodeResource>> list(String clusterId) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<NodeResource> start(NodeRef node) {
      return refused();
    }

    @Override
    public CompletionStage<NodeResource> stop(NodeRef node) {
      return refused();
    }

    @Override
    public CompletionStage<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
      return refused();
    }

    @Override
    public CompletionStage<NodeResource> replaceImage(NodeRef node, String image) {
      return refused();
    }

    @Override
    public CompletionStage<Optional<String>> delete(NodeRef node, boolean keepVolume) {
      return refused();
    }
  }

  /** Runs nothing. */
  static final class Commands implements CommandExecutor {
    @Override
    public CompletionStage<CommandResult> run(CommandRequest request) {
      return refused();
    }

    @Override
    public CompletionStage<Void> fence(NodeResource node, String runKey) {
      return CompletableFuture.completedFuture(null);
    }
  }
}
