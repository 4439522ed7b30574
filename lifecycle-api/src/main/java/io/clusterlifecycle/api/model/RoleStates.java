package io.clusterlifecycle.api.model;

import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.RoleState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Derives the role states of {@link Cluster#roleStates()} (docs/design.md §3.6). */
final class RoleStates {
  private RoleStates() {}

  static Map<String, RoleState> of(Cluster c) {
    Map<String, RoleState> out = new LinkedHashMap<>();
    for (var role : c.spec().roles()) {
      out.put(role.name(), of(c, role.name()));
    }
    return Collections.unmodifiableMap(out);
  }

  private static RoleState of(Cluster c, String role) {
    ClusterState state = c.state();
    List<Node> own = c.nodes(role);
    boolean acting = c.activeRoles().contains(role);
    if (acting && (state.isBusy() || state.isFailed() || state == ClusterState.COOLDOWN)) {
      return RoleState.of(state);
    }
    if (state == ClusterState.DONE || state == ClusterState.PENDING) {
      return RoleState.of(state);
    }
    if (!own.isEmpty() && own.stream().allMatch(n -> n.state() == NodeState.STOPPED)) {
      return RoleState.STOPPED;
    }
    if (own.stream().anyMatch(Node::unhealthy)) {
      return RoleState.WARNING;
    }
    if (state == ClusterState.WARNING || state.isBusy() || state.isFailed()) {
      return RoleState.RUNNING;
    }
    return RoleState.of(state);
  }
}
