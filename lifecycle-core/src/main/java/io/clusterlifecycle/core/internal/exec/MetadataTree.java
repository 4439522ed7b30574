package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** The metadata tree of a cluster (docs/design.md §4) and the commits of metadata steps. */
public final class MetadataTree {
  private final String root;

  /**
   * @param root the configured root, for example {@code /clusters}
   */
  public MetadataTree(String root) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** The prefix every key of the cluster lives under. */
  public String clusterRoot(String clusterId) {
    return root + "/" + clusterId;
  }

  /** The commit that carries out {@code step} on the cluster as recorded now. */
  MetadataChange change(MetadataStep step, Cluster cluster) {
    return change(step, cluster, List.of());
  }

  /**
   * The commit that carries out {@code step} on the cluster as recorded now; {@code all} (every
   * cluster record) is read for the {@code links} section.
   */
  MetadataChange change(MetadataStep step, Cluster cluster, List<Cluster> records) {
    String base = clusterRoot(cluster.id());
    boolean all = step.sections().contains(MetadataStep.ALL);
    List<Node> nodes =
        step.nodes().isEmpty()
            ? cluster.nodes()
            : step.nodes().stream()
                .map(
                    id ->
                        cluster
                            .node(id)
                            .orElseThrow(
                                () ->
                                    new IllegalStateException(
                                        "node "
                                            + id
                                            + " of metadata step "
                                            + step.id()
                                            + " is not in the cluster record")))
                .toList();
    if (step.action() == MetadataStep.Action.UNPUBLISH) {
      if (all) {
        return new MetadataChange(Map.of(), List.of(base));
      }
      Set<String> prefixes = new LinkedHashSet<>();
      for (String section : step.sections()) {
        for (Node n : nodes) {
          prefixes.add(
              base + "/" + section + "/" + n.role() + (perRole(section) ? "" : "/" + n.id()));
        }
      }
      return new MetadataChange(Map.of(), List.copyOf(prefixes));
    }
    // eight keys per host, sized once: a tree of 10,000 hosts is not rehashed on the way
    MetadataChange.Builder change = MetadataChange.builder(nodes.size() * 8 + 64);
    if (all) {
      change.putAll(clusterKeys(cluster, base));
      Links.envKeys(change::put, base + "/env/", cluster);
      change.putAll(Links.keys(base, cluster, records));
      hosts(change::put, base + "/" + Planner.HOSTS, nodes);
      primaries(change, base, cluster, List.of());
      return change.build();
    }
    for (String section : step.sections()) {
      switch (section) {
        case Planner.CLUSTER -> change.putAll(clusterKeys(cluster, base));
        case Planner.ENV -> {
          change.deletePrefix(base + "/" + Planner.ENV);
          Links.envKeys(change::put, base + "/env/", cluster);
        }
        case Planner.LINKS -> {
          change.deletePrefix(base + "/" + Planner.LINKS);
          change.putAll(Links.keys(base, cluster, records));
        }
        case Planner.PRIMARY ->
            primaries(change, base, cluster, step.nodes().isEmpty() ? List.of() : nodes);
        case Planner.VERTICAL_SCALING_ROLES -> {
          Map<String, List<String>> byRole = new LinkedHashMap<>();
          nodes.forEach(n -> byRole.computeIfAbsent(n.role(), r -> new ArrayList<>()).add(n.id()));
          byRole.forEach(
              (role, ids) -> change.put(base + "/" + section + "/" + role, String.join(",", ids)));
        }
        default -> hosts(change::put, base + "/" + section, nodes);
      }
    }
    return change.build();
  }

  private static boolean perRole(String section) {
    return section.equals(Planner.PRIMARY) || section.equals(Planner.VERTICAL_SCALING_ROLES);
  }

  /**
   * Puts {@code /primary/<role>} for the roles of {@code nodes} that can be promoted: the first
   * node a step names of the role (a promotion names the promoted node; nodes of a new role are
   * named lowest index first), or the recorded primary when the step names none.
   */
  private static void primaries(
      MetadataChange.Builder change, String base, Cluster cluster, List<Node> named) {
    Map<String, String> primary = new LinkedHashMap<>();
    named.forEach(n -> primary.putIfAbsent(n.role(), n.id()));
    cluster.spec().roles().stream()
        .filter(r -> r.service(StandardService.PROMOTE).isPresent())
        .filter(r -> named.isEmpty() || primary.containsKey(r.name()))
        .forEach(
            r -> {
              String id =
                  named.isEmpty()
                      ? cluster.primary(r.name()).map(Node::id).orElse("")
                      : primary.get(r.name());
              if (!id.isEmpty()) {
                change.put(base + "/" + Planner.PRIMARY + "/" + r.name(), id);
              }
            });
  }

  static Map<String, String> clusterKeys(Cluster c, String base) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(base + "/cluster/cluster_id", c.id());
    m.put(base + "/cluster/name", c.name());
    m.put(base + "/cluster/app_name", c.spec().name());
    m.put(base + "/cluster/app_version", c.spec().version());
    m.put(base + "/cluster/namespace", c.namespace());
    return m;
  }

  static void hosts(BiConsumer<String, String> put, String prefix, Collection<Node> nodes) {
    for (Node n : nodes) {
      String p = prefix + "/" + n.role() + "/" + n.id() + "/";
      put.accept(p + "node_id", n.id());
      put.accept(p + "ip", n.address().orElse(""));
      put.accept(p + "role", n.role());
      put.accept(p + "cpu", String.valueOf(n.cpu()));
      put.accept(p + "memory", String.valueOf(n.memory()));
      put.accept(p + "volume_size", String.valueOf(n.volumeSize()));
      put.accept(p + "gid", String.valueOf(n.index()));
      put.accept(p + "instance_id", n.instanceId().orElse(""));
    }
  }
}
