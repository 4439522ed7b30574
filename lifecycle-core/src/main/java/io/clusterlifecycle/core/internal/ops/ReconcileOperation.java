package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;
import static io.clusterlifecycle.core.internal.plan.Planner.HOSTS;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Drift;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.ReconcileCluster;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the infrastructure match the record (docs/design.md §7.9): re-creates lost resources,
 * starts or stops resources whose state differs, records moved addresses, and deletes or adopts
 * resources the record does not know.
 */
final class ReconcileOperation extends ClusterOperation<ReconcileCluster> {

  ReconcileOperation() {
    super(ReconcileCluster.class, OperationType.RECONCILE);
  }

  @Override
  CompletableFuture<Prepared> prepare(ReconcileCluster r, Cluster c, EngineContext ctx) {
    Checks.plain(r.timeout(), "reconcile request for " + c.name());
    return ctx.retrying(() -> ctx.resources().list(c.id()))
        .thenApply(listed -> prepared(c, listed, r.adopt()));
  }

  /** The record the fix runs on, and its plan, from the provider's listing. */
  static Prepared prepared(Cluster c, List<NodeResource> listed, boolean adopt) {
    Map<String, NodeResource> byNode = new LinkedHashMap<>();
    listed.forEach(res -> byNode.put(res.ref().nodeId(), res));
    Cluster.Builder b = c.toBuilder();
    Set<String> recreate = new LinkedHashSet<>();
    Set<String> start = new LinkedHashSet<>();
    Set<String> stop = new LinkedHashSet<>();
    Set<String> moved = new LinkedHashSet<>();
    Set<String> adopted = new LinkedHashSet<>();
    Set<String> delete = new LinkedHashSet<>();
    for (Drift.Finding f : DriftFindings.compare(c, listed).findings()) {
      String id = f.nodeId();
      switch (f.kind()) {
        case MISSING -> recreate.add(id);
        case STATE_MISMATCH -> {
          if (c.node(id).orElseThrow().state() == NodeState.RUNNING) {
            start.add(id);
          } else {
            stop.add(id);
          }
        }
        case ADDRESS_MISMATCH -> {
          NodeResource res = byNode.get(id);
          b.putNode(c.node(id).orElseThrow().withResource(res.address(), res.instanceId()));
          moved.add(id);
        }
        case UNKNOWN -> {
          NodeResource res = byNode.get(id);
          boolean adoptable = adopt && c.spec().role(res.role()).isPresent();
          b.putNode(stranger(c, res, adoptable));
          (adoptable ? adopted : delete).add(id);
        }
      }
    }
    Cluster next = b.build();
    PlanBuilder p = new PlanBuilder(next, OperationType.RECONCILE);
    p.deleteResources(nodes(next, delete), false);
    p.stopInstances(nodes(next, stop));
    p.startInstances(nodes(next, start));
    p.createResources(nodes(next, recreate));
    List<String> hosts = new ArrayList<>(recreate);
    hosts.addAll(moved);
    hosts.addAll(adopted);
    if (!hosts.isEmpty()) {
      p.metadata(
          "publish /hosts", MetadataStep.Action.PUBLISH, "hosts", List.of(HOSTS), hosts, false);
      List<Node> others =
          up(
              next.nodes().stream()
                  .filter(n -> !hosts.contains(n.id()) && !delete.contains(n.id()))
                  .toList());
      p.reload(others, Set.of(HOSTS));
    }
    p.initAndStart(nodes(next, recreate));
    p.services(START, nodes(next, start), s -> true, FailurePolicy.FAIL, START);
    Plan plan = p.build();
    return new Prepared(next, plan, Set.of(), delete);
  }

  /**
   * A node for a resource the record does not know: adopted as it is, or held in the record only
   * until the operation has deleted it.
   */
  private static Node stranger(Cluster c, NodeResource res, boolean adopted) {
    String id = res.ref().nodeId();
    int index = c.lastIndex().getOrDefault(res.role(), 0) + 1;
    int dash = id.lastIndexOf('-');
    if (dash >= 0 && id.substring(dash + 1).matches("[0-9]{1,9}")) {
      index = Integer.parseInt(id.substring(dash + 1));
    }
    return Node.builder()
        .id(id)
        .role(res.role().isEmpty() ? "unknown" : res.role())
        .index(index)
        .state(adopted && !res.running() ? NodeState.STOPPED : NodeState.RUNNING)
        .address(res.address())
        .instanceId(res.instanceId())
        .cpu(res.cpu())
        .memory(res.memory())
        .volumeSize(res.volumeSize())
        .image(res.image())
        .version(adopted ? c.spec().version() : "")
        .build();
  }

  private static List<Node> nodes(Cluster c, Set<String> ids) {
    return c.nodes().stream().filter(n -> ids.contains(n.id())).toList();
  }
}
