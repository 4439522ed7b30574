package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.state.NodeAction;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The provider actions of {@link LocalResourceProvider} (docs/local.md): suspend and resume send
 * SIGSTOP and SIGCONT to the node's processes ({@link NodeProcesses}); power off and undeploy end
 * them, SIGTERM and then SIGKILL after {@link #GRACE} (the hard forms SIGKILL at once); these mark
 * the node not running, resume running again. Snapshots copy the node's directory or volume ({@link
 * NodeSnapshots}).
 */
final class LocalActions {
  /** How long powering off waits for the node's processes after SIGTERM. */
  static final Duration GRACE = Duration.ofSeconds(10);

  /** Every provider action. */
  static final Set<NodeAction> ALL = NodeAction.providerActions();

  private final ResourceProvider provider;
  private final Executor executor;
  private final NodeSnapshots snapshots;

  LocalActions(ResourceProvider provider, Executor executor, NodeSnapshots snapshots) {
    this.provider = provider;
    this.executor = executor;
    this.snapshots = snapshots;
  }

  CompletionStage<NodeResource> act(NodeRef node, NodeAction action, String snapshot) {
    String what = action.label() + " node " + node.nodeId();
    switch (action) {
      case SUSPEND:
        return signal(node, "STOP", what).thenCompose(v -> provider.stop(node));
      case RESUME:
        return signal(node, "CONT", what).thenCompose(v -> provider.start(node));
      case POWEROFF:
      case UNDEPLOY:
        return end(node, GRACE, what).thenCompose(v -> provider.stop(node));
      case POWEROFF_HARD:
      case UNDEPLOY_HARD:
        return end(node, Duration.ZERO, what).thenCompose(v -> provider.stop(node));
      case SNAPSHOT_CREATE:
      case DISK_SNAPSHOT_CREATE:
        return snapshot(node, what, () -> snapshots.create(node.nodeId(), disk(action), snapshot));
      case SNAPSHOT_REVERT:
      case DISK_SNAPSHOT_REVERT:
        return snapshot(node, what, () -> snapshots.revert(node.nodeId(), disk(action), snapshot));
      case SNAPSHOT_DELETE:
      case DISK_SNAPSHOT_DELETE:
        return snapshot(node, what, () -> snapshots.delete(node.nodeId(), disk(action), snapshot));
      default:
        return CompletableFuture.failedFuture(
            new UnsupportedOperationException(action.label() + " is not a provider action"));
    }
  }

  private static boolean disk(NodeAction action) {
    return action.name().startsWith("DISK_");
  }

  private CompletableFuture<Void> signal(NodeRef node, String signal, String what) {
    return Async.supply(
        executor,
        what,
        () -> {
          NodeProcesses.signal(signal, NodeProcesses.of(node.clusterId(), node.nodeId()));
          return null;
        });
  }

  private CompletableFuture<Void> end(NodeRef node, Duration grace, String what) {
    return Async.<List<ProcessHandle>>supply(
            executor, what, () -> NodeProcesses.of(node.clusterId(), node.nodeId()))
        .thenCompose(processes -> NodeProcesses.end(processes, grace));
  }

  @FunctionalInterface
  private interface SnapshotWork {
    void run() throws java.io.IOException;
  }

  private CompletionStage<NodeResource> snapshot(NodeRef node, String what, SnapshotWork work) {
    return provider
        .find(node)
        .thenCompose(
            found -> {
              NodeResource r =
                  found.orElseThrow(
                      () ->
                          new NotFoundException(
                              "cannot "
                                  + what
                                  + " of cluster "
                                  + node.clusterId()
                                  + ": it does not exist"));
              return Async.supply(
                  executor,
                  what,
                  () -> {
                    work.run();
                    return r;
                  });
            });
  }
}
