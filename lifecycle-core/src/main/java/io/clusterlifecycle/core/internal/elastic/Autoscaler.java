package io.clusterlifecycle.core.internal.elastic;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ElasticCounters;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.ElasticScale;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spi.MetricsSource;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.internal.engine.Execution;
import io.clusterlifecycle.core.internal.engine.Rounds;
import io.clusterlifecycle.core.internal.engine.StoreCalls;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs roles' elasticity and scheduled policies (docs/design.md §6.14) on the engine's scheduler:
 * each round looks at every idle cluster; one in {@code COOLDOWN} whose cooldown has passed goes
 * back to {@code RUNNING} (or {@code WARNING}); one running has its due policies judged, their
 * counters written to its record with compare-and-set, and the first change they ask for submitted
 * as an elastic-scale operation (guards, journal, one operation per cluster). Never blocks a
 * thread.
 */
public final class Autoscaler {
  private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);
  private final EngineContext ctx;
  private final StoreCalls store;
  private final Execution execution;
  private final MetricsSource metrics;
  private final Function<OperationRequest, CompletableFuture<Operation>> submit;

  /**
   * An autoscaler submitting its changes through {@code submit}.
   *
   * @param ctx the engine's context
   * @param store the engine's store calls
   * @param execution where events go
   * @param metrics the metrics source
   * @param submit submits an operation as the engine's API does
   */
  public Autoscaler(
      EngineContext ctx,
      StoreCalls store,
      Execution execution,
      MetricsSource metrics,
      Function<OperationRequest, CompletableFuture<Operation>> submit) {
    this.ctx = ctx;
    this.store = store;
    this.execution = execution;
    this.metrics = metrics;
    this.submit = submit;
  }

  /** Whether a role has any policy. */
  static boolean elastic(RoleSpec role) {
    return !role.elasticityPolicies().isEmpty() || !role.scheduledPolicies().isEmpty();
  }

  /**
   * Runs a round every {@code every}; a round still going when the next is due is not doubled.
   * Failures are logged, never thrown.
   */
  public ScheduledFuture<?> every(Duration every, BooleanSupplier closed) {
    return Rounds.every(ctx, every, closed, this::round);
  }

  /** One round over the store's clusters, one after another; never completes exceptionally. */
  public CompletableFuture<Void> round() {
    return Rounds.overClusters(
        ctx,
        store,
        c -> c.operation().isEmpty() && c.spec().roles().stream().anyMatch(Autoscaler::elastic),
        this::look,
        LOG,
        "autoscaling");
  }

  private CompletableFuture<Void> look(Cluster c) {
    if (c.state() == ClusterState.COOLDOWN) {
      return endCooldown(c);
    }
    if (c.state() != ClusterState.RUNNING && c.state() != ClusterState.WARNING) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Optional<PolicyRound>> chain =
        CompletableFuture.completedFuture(Optional.empty());
    Cluster.Builder next = c.toBuilder();
    boolean[] changed = {false};
    Instant now = ctx.now();
    for (RoleSpec role : c.spec().roles()) {
      if (!elastic(role)) {
        continue;
      }
      chain =
          chain.thenCompose(
              fired ->
                  judge(c, role, now)
                      .thenApply(
                          round -> {
                            ElasticCounters after = round.counters();
                            if (!after.equals(c.elasticity().get(role.name()))) {
                              next.elasticity(role.name(), after);
                              changed[0] = true;
                            }
                            round.warnings().forEach(w -> warn(c, role, w));
                            return fired.isPresent() || round.change().isEmpty()
                                ? fired
                                : Optional.of(round);
                          }));
    }
    return chain.thenCompose(
        fired -> {
          CompletableFuture<Cluster> written =
              changed[0] ? store.put(next.build()) : CompletableFuture.completedFuture(c);
          return written
              .thenCompose(stored -> fired.map(r -> fire(stored, r)).orElse(done()))
              .exceptionallyCompose(
                  e ->
                      Failures.cause(e) instanceof VersionConflictException
                          ? done() // an operation or another engine got there first
                          : CompletableFuture.failedFuture(e));
        });
  }

  private CompletableFuture<PolicyRound> judge(Cluster c, RoleSpec role, Instant now) {
    PolicyRound round = new PolicyRound(c, role, now);
    round.scheduled();
    List<Integer> due = round.dueElasticity();
    if (due.isEmpty()) {
      return CompletableFuture.completedFuture(round);
    }
    return sample(c, role)
        .handle(
            (values, e) -> {
              round.elasticity(
                  due,
                  Optional.ofNullable(values),
                  e == null ? "" : "the metrics source failed: " + Failures.describe(e));
              return round;
            });
  }

  private CompletableFuture<Map<String, Double>> sample(Cluster c, RoleSpec role) {
    try {
      return metrics.sample(c, role.name()).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Void> fire(Cluster c, PolicyRound round) {
    ElasticScale change = round.change().orElseThrow();
    execution.emit(
        LifecycleEvent.builder(EventType.POLICY_FIRED)
            .cluster(c.id())
            .role(change.role())
            .message(round.reason()));
    LOG.info("cluster {}: {}", c.name(), round.reason());
    // not waited for: the round goes on while the operation runs
    submit
        .apply(change)
        .handle(
            (op, e) -> {
              if (e != null) {
                warn(
                    c,
                    c.spec().role(change.role()).orElseThrow(),
                    "not applied: " + Failures.describe(e));
              }
              return null;
            });
    return done();
  }

  private void warn(Cluster c, RoleSpec role, String message) {
    execution.emit(
        LifecycleEvent.builder(EventType.WARNING)
            .cluster(c.id())
            .role(role.name())
            .message(message));
  }

  /** Ends the cooldown of the cluster's last change by policy once it has passed. */
  private CompletableFuture<Void> endCooldown(Cluster c) {
    Duration cooldown =
        c.activeRoles().stream()
            .map(r -> c.elasticity().getOrDefault(r, ElasticCounters.NONE).cooldown())
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    if (c.history().isEmpty()) {
      return done();
    }
    String last = c.history().get(c.history().size() - 1);
    return store
        .call(() -> ctx.store().getOperation(last))
        .thenCompose(
            op -> {
              Instant ended = op.flatMap(Operation::endedAt).orElse(c.updatedAt());
              if (ctx.now().isBefore(ended.plus(cooldown))) {
                return done();
              }
              ClusterState to = c.unhealthy() ? ClusterState.WARNING : ClusterState.RUNNING;
              return store
                  .put(c.toBuilder().state(c.state().moveTo(to)).updatedAt(ctx.now()).build())
                  .thenAccept(
                      stored -> execution.emitState(stored, "", null, ClusterState.COOLDOWN, to));
            });
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
