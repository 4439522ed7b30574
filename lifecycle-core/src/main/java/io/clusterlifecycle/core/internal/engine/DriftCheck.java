package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Drift;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Compares a cluster's record with what the resource provider lists for it (docs/design.md §7.9).
 * Reads only.
 */
public final class DriftCheck {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DriftCheck.class);

  /** States in which a node's resource is meant to be stopped. */
  private static final Set<NodeState> DOWN =
      Set.of(NodeState.STOPPED, NodeState.POWEROFF, NodeState.SUSPENDED, NodeState.UNDEPLOYED);

  private final EngineContext ctx;
  private final StoreCalls store;

  public DriftCheck(EngineContext ctx, StoreCalls store) {
    this.ctx = ctx;
    this.store = store;
  }

  /**
   * Reconciles every cluster that is not DONE every {@code every}, one after another, emitting a
   * {@code DRIFT_FOUND} event per difference.
   *
   * @return the handle of the rounds
   */
  public java.util.concurrent.ScheduledFuture<?> every(
      java.time.Duration every, java.util.function.BooleanSupplier closed) {
    return Rounds.every(ctx, every, closed, this::round);
  }

  /** One round over the store's clusters; never completes exceptionally. */
  CompletableFuture<Void> round() {
    return Rounds.overClusters(
        ctx,
        store,
        c -> c.state() != io.clusterlifecycle.api.state.ClusterState.DONE,
        c -> check(c.id()).thenAccept(d -> report(c, d)),
        LOG,
        "the reconcile");
  }

  private void report(Cluster c, Drift drift) {
    for (Drift.Finding f : drift.findings()) {
      String role = c.node(f.nodeId()).map(Node::role).orElse("");
      ctx.events()
          .emit(
              io.clusterlifecycle.api.event.LifecycleEvent.builder(
                      io.clusterlifecycle.api.event.EventType.DRIFT_FOUND)
                  .cluster(c.id())
                  .node(role, f.nodeId())
                  .message(f.kind() + ": " + f.detail()));
    }
  }

  /** The differences between the record of {@code ref} and the provider's listing. */
  public CompletableFuture<Drift> check(String ref) {
    return store
        .resolve(ref)
        .thenCompose(
            c ->
                ctx.retrying(() -> ctx.resources().list(c.id()))
                    .thenApply(listed -> compare(c, listed)));
  }

  static Drift compare(Cluster c, List<NodeResource> listed) {
    Map<String, NodeResource> byNode = new LinkedHashMap<>();
    listed.forEach(r -> byNode.put(r.ref().nodeId(), r));
    List<Drift.Finding> findings = new ArrayList<>();
    for (Node n : c.nodes()) {
      NodeResource r = byNode.remove(n.id());
      boolean recorded = n.instanceId().isPresent() || n.address().isPresent();
      if (r == null) {
        if (recorded) {
          findings.add(
              new Drift.Finding(
                  Drift.Kind.MISSING,
                  n.id(),
                  "recorded "
                      + n.state()
                      + n.address().map(a -> " at " + a).orElse("")
                      + "; the infrastructure has no resource for it"));
        }
        continue;
      }
      if (n.state() == NodeState.RUNNING && !r.running()) {
        findings.add(
            new Drift.Finding(
                Drift.Kind.STATE_MISMATCH, n.id(), "recorded RUNNING; its resource is stopped"));
      } else if (DOWN.contains(n.state()) && r.running()) {
        findings.add(
            new Drift.Finding(
                Drift.Kind.STATE_MISMATCH,
                n.id(),
                "recorded " + n.state() + "; its resource is running"));
      }
      if (n.address().isPresent()
          && !r.address().isEmpty()
          && !n.address().get().equals(r.address())) {
        findings.add(
            new Drift.Finding(
                Drift.Kind.ADDRESS_MISMATCH,
                n.id(),
                "recorded at " + n.address().get() + "; its resource is at " + r.address()));
      }
    }
    byNode
        .values()
        .forEach(
            r ->
                findings.add(
                    new Drift.Finding(
                        Drift.Kind.UNKNOWN,
                        r.ref().nodeId(),
                        "a "
                            + (r.running() ? "running" : "stopped")
                            + " resource"
                            + (r.role().isEmpty() ? "" : " of role " + r.role())
                            + (r.address().isEmpty() ? "" : " at " + r.address())
                            + " tagged with the cluster; the record has no such node")));
    findings.sort(Comparator.comparing(Drift.Finding::nodeId).thenComparing(Drift.Finding::kind));
    return new Drift(c.id(), c.operation(), findings);
  }
}
