package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.ResourceEstimate;
import io.clusterlifecycle.api.plan.ResourceEstimate.RoleEstimate;
import io.clusterlifecycle.api.plan.Resources;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.NodeState;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The resource estimate of a dry-run (docs/design.md §7.3): the cluster after minus before. */
public final class Estimates {
  static final String DEFAULT_CLASS = "default";

  private Estimates() {}

  /**
   * Estimates what a prepared operation asks for.
   *
   * @param before the cluster's record now; empty for a new cluster
   * @param p the prepared operation, whose cluster is the record it leads to
   * @return per role and in total, the resources after and the change
   */
  public static ResourceEstimate of(Optional<Cluster> before, Prepared p) {
    Map<String, Resources> was =
        before.map(c -> byRole(c, List.of(), Optional.empty())).orElse(Map.of());
    Map<String, Resources> will = byRole(p.cluster(), List.copyOf(p.leaving()), before);
    Map<String, RoleEstimate> roles = new LinkedHashMap<>();
    will.forEach(
        (role, r) ->
            roles.put(
                role, new RoleEstimate(role, r, r.minus(was.getOrDefault(role, Resources.NONE)))));
    was.forEach(
        (role, r) ->
            roles.computeIfAbsent(
                role, k -> new RoleEstimate(k, Resources.NONE, Resources.NONE.minus(r))));
    Resources after = Resources.NONE;
    Resources change = Resources.NONE;
    for (RoleEstimate e : roles.values()) {
      after = after.plus(e.after());
      change = change.plus(e.change());
    }
    return new ResourceEstimate(List.copyOf(roles.values()), after, change);
  }

  /**
   * The resources of the cluster's nodes by role, without {@code leaving}. A node of a role whose
   * sizes the spec changed (vertical scaling) counts at the spec's new sizes. One pass over the
   * nodes adding numbers: a 10,000-node plan's estimate took a third of its time when every node
   * was added as a record of its own.
   */
  private static Map<String, Resources> byRole(
      Cluster c, List<String> leaving, Optional<Cluster> before) {
    Set<String> gone = leaving.isEmpty() ? Set.of() : new HashSet<>(leaving);
    Map<String, Sum> sums = new LinkedHashMap<>();
    c.spec().roles().forEach(r -> sums.put(r.name(), new Sum(resized(c, before, r.name()))));
    for (Node n : c.nodes()) {
      if (n.state() != NodeState.DONE && !gone.contains(n.id())) {
        sums.computeIfAbsent(n.role(), role -> new Sum(resized(c, before, role))).add(n);
      }
    }
    Map<String, Resources> out = new LinkedHashMap<>();
    sums.forEach((role, sum) -> out.put(role, sum.resources()));
    return out;
  }

  /** The role's spec when the operation changes its sizes; null when its nodes keep theirs. */
  private static RoleSpec resized(Cluster c, Optional<Cluster> before, String role) {
    Optional<RoleSpec> now = c.spec().role(role);
    Optional<RoleSpec> was = before.flatMap(b -> b.spec().role(role));
    return now.isPresent() && was.isPresent() && !now.get().equals(was.get()) ? now.get() : null;
  }

  /** The running total of one role's nodes. */
  private static final class Sum {
    private final RoleSpec resized;
    private long nodes;
    private long cpu;
    private long memory;
    private long volume;

    Sum(RoleSpec resized) {
      this.resized = resized;
    }

    void add(Node n) {
      nodes++;
      long v = n.volumeSize();
      if (resized == null) {
        cpu += n.cpu();
        memory += n.memory();
      } else {
        cpu += resized.cpu();
        memory += resized.memory();
        v = resized.volume().map(spec -> (long) spec.size()).orElse(v);
      }
      if (v > 0) {
        volume += v;
      }
    }

    Resources resources() {
      return new Resources(
          nodes, cpu, memory, volume > 0 ? Map.of(DEFAULT_CLASS, volume) : Map.of());
    }
  }
}
