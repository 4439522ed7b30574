package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.Links;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a change of a cluster's metadata to the clusters that depend on it (docs/design.md §15):
 * after an operation that changes what a dependent sees (nodes, addresses, resources, version,
 * config) succeeds, each dependent gets an empty {@link Reconfigure}, which republishes its {@code
 * /links} and reloads its nodes as a journaled operation of its own.
 */
final class Propagation {
  private static final Logger LOG = LoggerFactory.getLogger(Propagation.class);

  /** The operations whose success changes what a dependent sees of the cluster. */
  static final Set<OperationType> CHANGING =
      EnumSet.of(
          OperationType.ADD_NODES,
          OperationType.DELETE_NODES,
          OperationType.SCALE_VERTICAL,
          OperationType.UPGRADE,
          OperationType.ROLLBACK,
          OperationType.START,
          OperationType.ADD_ROLE,
          OperationType.REMOVE_ROLE,
          OperationType.UPDATE_CONFIG);

  private final EngineContext ctx;
  private final BiFunction<OperationRequest, Duration, CompletableFuture<Operation>> submit;

  Propagation(
      EngineContext ctx,
      BiFunction<OperationRequest, Duration, CompletableFuture<Operation>> submit) {
    this.ctx = ctx;
    this.submit = submit;
  }

  /**
   * Reloads the dependents of the cluster {@code done} ran on, when it changed what they see;
   * completes when their operations ended. A dependent's failure is a warning event, never the
   * failure of {@code done}.
   */
  CompletableFuture<Operation> after(OperationRequest request, Operation done, Duration timeout) {
    // dependents see a cluster's hosts, env and config, not its labels or its own links
    if (!CHANGING.contains(done.type())
        || request instanceof Reconfigure r
            && r.change().values().isEmpty()
            && r.change().params().isEmpty()) {
      return CompletableFuture.completedFuture(done);
    }
    return ctx.retrying(() -> ctx.store().list().toCompletableFuture())
        .thenCompose(
            all -> {
              Cluster target =
                  all.stream()
                      .filter(c -> c.id().equals(done.clusterId()))
                      .findFirst()
                      .orElse(null);
              List<Cluster> dependents = target == null ? List.of() : Links.dependents(target, all);
              CompletableFuture<?>[] runs =
                  dependents.stream()
                      .map(d -> reload(target, d, timeout))
                      .toArray(CompletableFuture[]::new);
              return CompletableFuture.allOf(runs).thenApply(v -> done);
            });
  }

  private CompletableFuture<Void> reload(Cluster target, Cluster dependent, Duration timeout) {
    LOG.info(
        "cluster {} changed: reloading its dependent {}/{}",
        target.name(),
        dependent.namespace(),
        dependent.name());
    return submit
        .apply(Reconfigure.of(dependent.id(), SettingsChange.NONE), timeout)
        .handle(
            (o, e) -> {
              if (e != null) {
                String why = Failures.cause(e).getMessage();
                LOG.warn(
                    "reload of dependent {} after a change of {} failed: {}",
                    dependent.name(),
                    target.name(),
                    why);
                ctx.events()
                    .emit(
                        LifecycleEvent.builder(EventType.WARNING)
                            .cluster(target.id())
                            .message(
                                "dependent "
                                    + dependent.namespace()
                                    + "/"
                                    + dependent.name()
                                    + " did not reload: "
                                    + why));
              }
              return null;
            });
  }
}
