package io.clusterlifecycle.core.internal.plan;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.spec.Deployment;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.state.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Takes a cluster of {@link Deployment#STRAIGHT} deployment down role group by role group, in the
 * reverse of their start order (docs/design.md §6.2): the roles whose {@code start} has the highest
 * order go first, and each group is stopped (and, on delete, deleted) before the next begins. Roles
 * without a {@code start} count as order {@value ServiceSpec#DEFAULT_ORDER}.
 */
public final class StraightDeployment {
  private StraightDeployment() {}

  /** Whether the cluster's spec asks for it. */
  public static boolean applies(Cluster cluster) {
    return cluster.spec().deployment() == Deployment.STRAIGHT;
  }

  /**
   * The nodes by group of roles that start together, the group that starts last first.
   *
   * @param cluster the cluster, whose specs give each role's start order
   * @param nodes the nodes to group
   * @return the groups, none empty
   */
  static List<List<Node>> reverseStartGroups(Cluster cluster, List<Node> nodes) {
    Map<Integer, List<Node>> byOrder = new TreeMap<>(Comparator.reverseOrder());
    for (Node n : nodes) {
      int order =
          cluster
              .specOf(n)
              .role(n.role())
              .flatMap(r -> r.service(PlanBuilder.START))
              .map(ServiceSpec::order)
              .orElse(ServiceSpec.DEFAULT_ORDER);
      byOrder.computeIfAbsent(order, k -> new ArrayList<>()).add(n);
    }
    return List.copyOf(byOrder.values());
  }

  /**
   * The stop of a cluster: per group, its stop service, then its instances.
   *
   * @param b the plan being built
   * @param cluster the cluster
   * @param up the nodes that are up
   */
  public static void stop(PlanBuilder b, Cluster cluster, List<Node> up) {
    for (List<Node> group : reverseStartGroups(cluster, up)) {
      b.prefix(roles(group));
      b.services(PlanBuilder.STOP, group, s -> true, FailurePolicy.FAIL, PlanBuilder.STOP);
      b.stopInstances(group);
    }
    b.prefix("");
  }

  /**
   * The delete of a cluster: every guard first (so that a refusal leaves every role as it was),
   * then per group its stop, post-stop destroy and resources.
   *
   * @param b the plan being built
   * @param cluster the cluster
   * @param force whether command failures only warn
   * @param keepVolumes whether the volumes are kept
   */
  public static void delete(PlanBuilder b, Cluster cluster, boolean force, boolean keepVolumes) {
    List<Node> up = PlanBuilder.up(cluster.nodes());
    FailurePolicy onFailure = force ? FailurePolicy.WARN : FailurePolicy.FAIL;
    b.services(
        PlanBuilder.DESTROY,
        up,
        s -> !s.postStopService(),
        force ? FailurePolicy.WARN : FailurePolicy.REFUSE,
        "destroy (guard)");
    for (List<Node> group : reverseStartGroups(cluster, cluster.nodes())) {
      List<Node> groupUp = group.stream().filter(n -> n.state() == NodeState.RUNNING).toList();
      b.prefix(roles(group));
      b.services(PlanBuilder.STOP, groupUp, s -> true, onFailure, PlanBuilder.STOP);
      b.services(
          PlanBuilder.DESTROY,
          groupUp,
          ServiceSpec::postStopService,
          onFailure,
          PlanBuilder.DESTROY);
      b.deleteResources(group, keepVolumes);
    }
    b.prefix("");
  }

  private static String roles(List<Node> group) {
    Set<String> roles = new LinkedHashSet<>();
    group.forEach(n -> roles.add(n.role()));
    return "roles " + String.join(", ", roles);
  }
}
