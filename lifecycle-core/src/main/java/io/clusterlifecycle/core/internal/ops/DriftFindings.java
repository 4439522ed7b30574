package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Drift;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.state.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The differences between a cluster's record and what the provider lists (docs/design.md §7.9). */
public final class DriftFindings {
  /** States in which a node's resource is meant to be stopped. */
  static final Set<NodeState> DOWN =
      Set.of(NodeState.STOPPED, NodeState.POWEROFF, NodeState.SUSPENDED, NodeState.UNDEPLOYED);

  private DriftFindings() {}

  /** The findings, by node id then kind. */
  public static Drift compare(Cluster c, List<NodeResource> listed) {
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
