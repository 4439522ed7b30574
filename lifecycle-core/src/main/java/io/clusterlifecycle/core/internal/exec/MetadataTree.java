package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The metadata tree of a cluster (SPEC section 5) and the commits of metadata steps. */
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
    String base = clusterRoot(cluster.id());
    boolean all = step.sections().contains(MetadataStep.ALL);
    List<Node> nodes = step.nodes().isEmpty() ? cluster.nodes()
        : cluster.nodes().stream().filter(n -> step.nodes().contains(n.id())).toList();
    if (step.action() == MetadataStep.Action.UNPUBLISH) {
      if (all) {
        return new MetadataChange(Map.of(), List.of(base));
      }
      List<String> prefixes = new ArrayList<>();
      for (String section : step.sections()) {
        for (String nodeId : step.nodes()) {
          String role = cluster.node(nodeId).map(Node::role).orElseThrow(() ->
              new IllegalStateException("node " + nodeId + " of metadata step " + step.id()
                  + " is not in the cluster record"));
          prefixes.add(base + "/" + section + "/" + role + "/" + nodeId);
        }
      }
      return new MetadataChange(Map.of(), prefixes);
    }
    Map<String, String> puts = new LinkedHashMap<>();
    if (all) {
      puts.putAll(clusterKeys(cluster, base));
      cluster.env().forEach((k, v) -> puts.put(base + "/env/" + k, v));
      hosts(puts, base + "/" + Planner.HOSTS, nodes);
    } else {
      for (String section : step.sections()) {
        hosts(puts, base + "/" + section, nodes);
      }
    }
    return new MetadataChange(puts, List.of());
  }

  private static Map<String, String> clusterKeys(Cluster c, String base) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(base + "/cluster/cluster_id", c.id());
    m.put(base + "/cluster/name", c.name());
    m.put(base + "/cluster/app_name", c.spec().name());
    m.put(base + "/cluster/app_version", c.spec().version());
    m.put(base + "/cluster/namespace", c.namespace());
    return m;
  }

  private static void hosts(Map<String, String> puts, String prefix, Collection<Node> nodes) {
    for (Node n : nodes) {
      String p = prefix + "/" + n.role() + "/" + n.id() + "/";
      puts.put(p + "node_id", n.id());
      puts.put(p + "ip", n.address());
      puts.put(p + "role", n.role());
      puts.put(p + "cpu", String.valueOf(n.cpu()));
      puts.put(p + "memory", String.valueOf(n.memory()));
      puts.put(p + "volume_size", String.valueOf(n.volumeSize()));
      puts.put(p + "gid", String.valueOf(n.index()));
      puts.put(p + "instance_id", n.instanceId());
    }
  }
}
