package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template sees (docs/design.md §15, "Rendered config"): the node's view of the cluster as
 * its metadata tree holds it, built from the records so that a dry-run renders the planned state.
 * Names are those of the tree: {@code cluster}, {@code node}, {@code hosts} (every node, as a list
 * with {@code first} and {@code last} flags), {@code roles.<role>} (the same, per role), {@code
 * primary.<role>}, {@code env} (the spec's env), {@code config} (the effective config, nested) and
 * {@code links.<name>} (each dependency's {@code cluster}, {@code hosts}, {@code roles}, {@code
 * env} and {@code config}).
 */
final class TemplateContext {
  private TemplateContext() {}

  /**
   * The context of {@code node}.
   *
   * @param cluster the cluster as the node will see it
   * @param node the node
   * @param config the effective config to show, secrets resolved or masked
   * @param all every cluster record, for the links; may be empty when the cluster has none
   */
  static Map<String, Object> of(
      Cluster cluster, Node node, Map<String, Object> config, List<Cluster> all) {
    Map<String, Object> m = view(cluster, config);
    m.put("node", host(node, false, false));
    Map<String, Object> links = new LinkedHashMap<>();
    cluster
        .dependencies()
        .forEach(
            (name, ref) ->
                Links.target(ref, cluster.namespace(), all)
                    .ifPresent(t -> links.put(name, view(t, t.config()))));
    m.put("links", links);
    return m;
  }

  /** What any node, or a dependent, sees of {@code c}. */
  private static Map<String, Object> view(Cluster c, Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("cluster_id", c.id());
    cluster.put("name", c.name());
    cluster.put("app_name", c.spec().name());
    cluster.put("app_version", c.spec().version());
    cluster.put("namespace", c.namespace());
    m.put("cluster", cluster);
    Map<String, Integer> rank = new LinkedHashMap<>();
    for (RoleSpec r : c.spec().roles()) {
      rank.putIfAbsent(r.name(), rank.size());
    }
    List<Node> present =
        c.nodes().stream()
            .filter(n -> n.state() != NodeState.DELETING && n.state() != NodeState.DONE)
            .sorted(
                Comparator.<Node>comparingInt(n -> rank.getOrDefault(n.role(), rank.size()))
                    .thenComparing(Node::role)
                    .thenComparingInt(Node::index))
            .toList();
    m.put("hosts", hosts(present));
    Map<String, Object> roles = new LinkedHashMap<>();
    Map<String, List<Node>> byRole = new LinkedHashMap<>();
    present.forEach(n -> byRole.computeIfAbsent(n.role(), r -> new ArrayList<>()).add(n));
    byRole.forEach((role, nodes) -> roles.put(role, hosts(nodes)));
    m.put("roles", roles);
    Map<String, Object> primary = new LinkedHashMap<>();
    c.spec()
        .roles()
        .forEach(r -> c.primary(r.name()).ifPresent(p -> primary.put(r.name(), p.id())));
    m.put("primary", primary);
    m.put("env", new LinkedHashMap<>(c.env()));
    m.put("config", config);
    return m;
  }

  private static List<Object> hosts(List<Node> nodes) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      out.add(host(nodes.get(i), i == 0, i == nodes.size() - 1));
    }
    return out;
  }

  private static Map<String, Object> host(Node n, boolean first, boolean last) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("node_id", n.id());
    h.put("ip", n.address().orElse(""));
    h.put("role", n.role());
    h.put("cpu", n.cpu());
    h.put("memory", n.memory());
    h.put("volume_size", n.volumeSize());
    h.put("gid", n.index());
    h.put("instance_id", n.instanceId().orElse(""));
    h.put("first", first);
    h.put("last", last);
    return h;
  }
}
