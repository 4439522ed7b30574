package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.WorkloadStatus;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.HealthProbe;
import io.clusterlifecycle.core.internal.exec.ScriptReports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the health of an idle running cluster and moves it between {@code RUNNING} and {@code
 * WARNING} (docs/design.md §3.6): probes every node, then writes the nodes' problems and the
 * cluster's state in one compare-and-set on the record it read. A cluster an operation claimed
 * meanwhile (its record changed) is left as it is. Never blocks a thread.
 */
public final class HealthCheck {
  private static final Logger LOG = LoggerFactory.getLogger(HealthCheck.class);
  private final EngineContext ctx;
  private final StoreCalls store;
  private final Execution execution;
  private final HealthProbe probe;

  public HealthCheck(EngineContext ctx, StoreCalls store, Execution execution) {
    this.ctx = ctx;
    this.store = store;
    this.execution = execution;
    this.probe = new HealthProbe(ctx);
  }

  /**
   * Whether a cluster ends an operation unhealthy: a node that stays ({@code leaving} are deleted
   * by it) has a problem from its last health check or was reported blocked.
   */
  static boolean endsUnhealthy(Cluster c, java.util.Set<String> leaving) {
    return c.nodes().stream().filter(n -> !leaving.contains(n.id())).anyMatch(Node::unhealthy);
  }

  /** Whether a cluster's health is judged: running or warning, no operation under way. */
  public static boolean checkable(Cluster c) {
    return c.operation().isEmpty()
        && (c.state() == ClusterState.RUNNING || c.state() == ClusterState.WARNING);
  }

  /**
   * Checks every checkable cluster every {@code every}, one after another; a round still going when
   * the next is due is not doubled. Failures are logged, never thrown.
   */
  public ScheduledFuture<?> every(Duration every, BooleanSupplier closed) {
    return Rounds.every(ctx, every, closed, this::round);
  }

  /** One round over the store's clusters; never completes exceptionally. */
  CompletableFuture<Void> round() {
    return Rounds.overClusters(
        ctx, store, HealthCheck::checkable, this::check, LOG, "the health check");
  }

  /** Checks a cluster by id or name; completes with its record afterwards. */
  public CompletableFuture<Cluster> check(String ref) {
    return store.resolve(ref).thenCompose(this::check);
  }

  private CompletableFuture<Cluster> check(Cluster c) {
    if (!checkable(c)) {
      return CompletableFuture.completedFuture(c);
    }
    List<Node> nodes = c.nodes();
    List<CompletableFuture<HealthProbe.Verdict>> verdicts =
        nodes.stream().map(n -> probe.probe(c, n)).toList();
    return CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              List<HealthProbe.Verdict> judged =
                  verdicts.stream().map(CompletableFuture::join).toList();
              return store.resolve(c.id()).thenCompose(fresh -> record(c, fresh, judged));
            });
  }

  private CompletableFuture<Cluster> record(
      Cluster read, Cluster fresh, List<HealthProbe.Verdict> verdicts) {
    if (fresh.version() != read.version() || !checkable(fresh)) {
      return CompletableFuture.completedFuture(fresh);
    }
    Cluster.Builder b = fresh.toBuilder();
    List<LifecycleEvent.Builder> events = new ArrayList<>();
    boolean unhealthy = false;
    boolean changed = false;
    for (int i = 0; i < read.nodes().size(); i++) {
      Node n = read.nodes().get(i);
      HealthProbe.Verdict verdict = verdicts.get(i);
      Optional<WorkloadStatus> workload = verdict.status().or(n::workload);
      Node judged = n.toBuilder().problem(verdict.problem()).workload(workload).build();
      unhealthy |= judged.unhealthy();
      if (judged.equals(n)) {
        continue;
      }
      changed = true;
      b.putNode(judged);
      if (!judged.problem().equals(n.problem())) {
        LifecycleEvent.Builder e =
            LifecycleEvent.builder(EventType.NODE_HEALTH)
                .cluster(fresh.id())
                .node(n.role(), n.id());
        judged.problem().ifPresent(e::message);
        events.add(e);
      }
      if (!workload
          .map(WorkloadStatus::describe)
          .equals(n.workload().map(WorkloadStatus::describe))) {
        events.add(ScriptReports.statusEvent(n, workload.get()).cluster(fresh.id()));
      }
    }
    ClusterState from = fresh.state();
    ClusterState to = unhealthy ? ClusterState.WARNING : ClusterState.RUNNING;
    if (!changed && from == to) {
      return CompletableFuture.completedFuture(fresh);
    }
    Cluster next = b.state(from == to ? from : from.moveTo(to)).updatedAt(ctx.now()).build();
    return store
        .put(next)
        .thenApply(
            stored -> {
              events.forEach(execution::emit);
              if (from != to) {
                execution.emitState(stored, "", null, from, to);
              }
              return stored;
            })
        .exceptionallyCompose(
            e ->
                Failures.cause(e) instanceof VersionConflictException
                    ? store.resolve(read.id())
                    : CompletableFuture.failedFuture(e));
  }
}
