package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.ResourceEstimate;
import io.clusterlifecycle.api.plan.ResourceEstimate.RoleEstimate;
import io.clusterlifecycle.api.plan.Resources;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.NodeState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
   * sizes the spec changed (vertical scaling) counts at the spec's new sizes.
   */
  private static Map<String, Resources> byRole(
      Cluster c, List<String> leaving, Optional<Cluster> before) {
    Map<String, Resources> out = new LinkedHashMap<>();
    c.spec().roles().forEach(r -> out.put(r.name(), Resources.NONE));
    for (Node n : c.nodes()) {
      if (leaving.contains(n.id()) || n.state() == NodeState.DONE) {
        continue;
      }
      long cpu = n.cpu();
      long memory = n.memory();
      long volume = n.volumeSize();
      Optional<RoleSpec> now = c.spec().role(n.role());
      Optional<RoleSpec> was = before.flatMap(b -> b.spec().role(n.role()));
      if (now.isPresent() && was.isPresent() && !now.get().equals(was.get())) {
        cpu = now.get().cpu();
        memory = now.get().memory();
        volume = now.get().volume().map(v -> (long) v.size()).orElse(volume);
      }
      Resources r =
          new Resources(1, cpu, memory, volume > 0 ? Map.of(DEFAULT_CLASS, volume) : Map.of());
      out.merge(n.role(), r, Resources::plus);
    }
    return out;
  }
}
