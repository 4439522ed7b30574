package io.clusterlifecycle.core.internal.plan;

import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/** Which nodes run a service, and in which order group (docs/design.md §5.2). */
final class OrderGroups {
  private OrderGroups() {}

  /**
   * The nodes of one service in run order, with each node's service taken from the spec of the
   * version it runs at that point of the plan: nodes whose role defines the service and passes
   * {@code filter}, the first {@code nodes_to_execute_on} of each role by index, grouped by order,
   * ascending.
   */
  static TreeMap<Integer, List<Node>> of(
      Function<Node, AppSpec> specOf,
      String service,
      List<Node> nodes,
      Predicate<ServiceSpec> filter) {
    // the nodes run one or two specs (during an upgrade): each spec's roles are looked at once,
    // not once per node
    Map<AppSpec, Map<String, RoleGroup>> bySpec = new IdentityHashMap<>();
    Map<String, RoleNodes> byKey = new LinkedHashMap<>();
    Map<String, Integer> roleRank = new HashMap<>();
    for (Node n : byIndex(nodes)) {
      AppSpec spec = specOf.apply(n);
      Map<String, RoleGroup> roles = bySpec.get(spec);
      if (roles == null) {
        roles = new HashMap<>();
        bySpec.put(spec, roles);
        spec.roles().forEach(r -> roleRank.putIfAbsent(r.name(), roleRank.size()));
      }
      RoleGroup g = roles.get(n.role());
      if (g == null) {
        ServiceSpec s =
            spec.role(n.role()).flatMap(r -> r.service(service)).filter(filter).orElse(null);
        g =
            s == null
                ? RoleGroup.NONE
                : new RoleGroup(spec.version() + "/" + n.role(), n.role(), s);
        roles.put(n.role(), g);
      }
      if (g.service() == null) {
        continue;
      }
      RoleNodes ofRole = byKey.computeIfAbsent(g.key(), k -> new RoleNodes());
      if (ofRole.nodes.size() < g.service().nodesToExecuteOn()) {
        ofRole.nodes.add(n);
        ofRole.order = g.service().order();
        ofRole.role = g.role();
      }
    }
    // roles in the order of the spec, so that a group lists its nodes by role, then index
    TreeMap<Integer, List<Node>> groups = new TreeMap<>();
    byKey.values().stream()
        .filter(r -> !r.nodes.isEmpty())
        .sorted(Comparator.comparingInt(r -> roleRank.get(r.role)))
        .forEach(r -> groups.computeIfAbsent(r.order, k -> new ArrayList<>()).addAll(r.nodes));
    return groups;
  }

  /** The nodes sorted by index, stably; the list itself when it is already. */
  static List<Node> byIndex(List<Node> nodes) {
    for (int i = 1; i < nodes.size(); i++) {
      if (nodes.get(i - 1).index() > nodes.get(i).index()) {
        return nodes.stream().sorted(Comparator.comparingInt(Node::index)).toList();
      }
    }
    return nodes;
  }

  /** A role's service of one spec; {@code service} null when it has none that passes. */
  private record RoleGroup(String key, String role, ServiceSpec service) {
    static final RoleGroup NONE = new RoleGroup("", "", null);
  }

  /** The nodes one role (of one version) runs a service on, and the service's order. */
  private static final class RoleNodes {
    final List<Node> nodes = new ArrayList<>();
    int order;
    String role;
  }
}
