package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.VolumeSpec;
import io.clusterlifecycle.api.state.NodeState;
import java.util.LinkedHashSet;
import java.util.Set;

/** The changes to a cluster's record that several operations make before they run. */
public final class ClusterChanges {
  private ClusterChanges() {}

  /** A new node of a role, PENDING, sized and imaged as the role says: create's and add's. */
  public static Node newNode(String clusterName, AppSpec spec, RoleSpec role, int index) {
    return Node.builder()
        .id(clusterName + "-" + role.name() + "-" + index)
        .role(role.name())
        .index(index)
        .state(NodeState.PENDING)
        .cpu(role.cpu())
        .memory(role.memory())
        .volumeSize(role.volume().map(VolumeSpec::size).orElse(0))
        .image(role.image())
        .version(spec.version())
        .build();
  }

  /** Adds {@code count} new nodes of a role, numbered after its highest index ever used. */
  static Set<String> addNodes(Cluster.Builder b, Cluster c, RoleSpec role, int count) {
    int last = c.lastIndex().getOrDefault(role.name(), 0);
    Set<String> added = new LinkedHashSet<>();
    for (int i = 1; i <= count; i++) {
      Node n = newNode(c.name(), c.spec(), role, last + i);
      b.putNode(n);
      added.add(n.id());
    }
    return added;
  }

  /**
   * The roles of {@code target} with the cpu, memory and volume size they have in {@code current}:
   * versions move between specs, sizes change only by vertical scaling.
   */
  static AppSpec withSizesOf(AppSpec target, AppSpec current) {
    AppSpec.Builder b = target.toBuilder();
    for (RoleSpec role : target.roles()) {
      current
          .role(role.name())
          .ifPresent(
              now ->
                  b.replaceRole(
                      resized(
                          role,
                          now.cpu(),
                          now.memory(),
                          now.volume().map(VolumeSpec::size).orElse(0))));
    }
    return b.build();
  }

  /**
   * A role with other sizes; a positive {@code volumeSize} applies only to a role that has a
   * volume.
   */
  static RoleSpec resized(RoleSpec role, int cpu, int memory, int volumeSize) {
    RoleSpec.Builder rb = role.toBuilder().cpu(cpu).memory(memory);
    role.volume().filter(v -> volumeSize > 0).ifPresent(v -> rb.volume(volumeSize, v.mountPoint()));
    return rb.build();
  }
}
