package io.clusterlifecycle.core;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.SpecPlugin;
import io.clusterlifecycle.core.internal.exec.NodeSpecs;
import io.clusterlifecycle.core.internal.ops.ClusterChanges;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link NodeSpec}s a plan's node-creation steps give the resource provider, computed without
 * running anything: what a dry run shows of the objects an infrastructure would create (for example
 * the Kubernetes manifests of {@code lifecycle plan --format k8s}). The specs are built by the same
 * code the engine uses when it runs a {@link CreateNodeStep}, so they are what the provider would
 * be given, tags included. Stateless and thread-safe.
 */
public final class PlannedNodes {
  /**
   * Tag every created node carries with its app spec's name ({@code app.kubernetes.io/name} on
   * Kubernetes): {@value}.
   */
  public static final String TAG_APP_NAME = NodeSpecs.TAG_APP_NAME;

  /**
   * Tag every created node carries with its app spec's version ({@code app.kubernetes.io/version}
   * on Kubernetes): {@value}.
   */
  public static final String TAG_APP_VERSION = NodeSpecs.TAG_APP_VERSION;

  private PlannedNodes() {}

  /**
   * Returns the spec of each node a plan creates, in plan order.
   *
   * @param plan the plan
   * @param cluster the record the plan's operation runs on, holding every node the plan creates (as
   *     the operation starts it: new nodes PENDING)
   * @return the specs; empty when the plan creates no node
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a node the plan creates is not in the record, or its role
   *     is not in the node's app spec
   */
  public static List<NodeSpec> of(Plan plan, Cluster cluster) {
    return of(plan, cluster, List.of());
  }

  /**
   * Returns the spec of each node a plan creates, in plan order, changed by the plugins the cluster
   * enables as the engine changes them (docs/design.md §15).
   *
   * @param plan the plan
   * @param cluster the record the plan's operation runs on, holding every node the plan creates
   * @param plugins the plugins registered in the engine
   * @return the specs; empty when the plan creates no node
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a node the plan creates is not in the record, or its role
   *     is not in the node's app spec
   * @throws IllegalStateException if the cluster enables a plugin not in {@code plugins}
   */
  public static List<NodeSpec> of(Plan plan, Cluster cluster, List<SpecPlugin> plugins) {
    Objects.requireNonNull(plan, "plan");
    Map<String, SpecPlugin> byName = new LinkedHashMap<>();
    plugins.forEach(x -> byName.put(x.name(), x));
    Objects.requireNonNull(cluster, "cluster");
    List<NodeSpec> out = new ArrayList<>();
    plan.steps()
        .filter(CreateNodeStep.class::isInstance)
        .map(CreateNodeStep.class::cast)
        .forEach(
            step -> {
              Node node =
                  cluster
                      .node(step.node())
                      .orElseThrow(
                          () ->
                              new IllegalArgumentException(
                                  "node " + step.node() + " is not in cluster " + cluster.id()));
              RoleSpec role =
                  cluster
                      .specOf(node)
                      .role(node.role())
                      .orElseThrow(
                          () ->
                              new IllegalArgumentException(
                                  "role "
                                      + node.role()
                                      + " is not in the app spec of "
                                      + node.id()));
              out.add(NodeSpecs.forCreate(cluster, node, role, byName));
            });
    return List.copyOf(out);
  }

  /**
   * Returns the spec of each node a create would make: the new cluster's record is built as the
   * engine builds it for {@code request}, under the id given (a real create draws its own id).
   *
   * @param request the create request
   * @param plan the engine's plan of that request ({@link LifecycleEngine#plan}), which checked it
   * @param clusterId the id to show for the new cluster, e.g. its name
   * @return the specs, in plan order
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the plan is not the request's
   */
  public static List<NodeSpec> ofCreate(CreateCluster request, Plan plan, String clusterId) {
    return ofCreate(request, plan, clusterId, List.of());
  }

  /**
   * Returns the spec of each node a create would make, changed by the plugins the request enables
   * (docs/design.md §15).
   *
   * @param request the create request
   * @param plan the engine's plan of that request, which checked it
   * @param clusterId the id to show for the new cluster
   * @param plugins the plugins registered in the engine
   * @return the specs, in plan order
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the plan is not the request's
   * @throws IllegalStateException if the request enables a plugin not in {@code plugins}
   */
  public static List<NodeSpec> ofCreate(
      CreateCluster request, Plan plan, String clusterId, List<SpecPlugin> plugins) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(clusterId, "clusterId");
    Map<String, String> env = new LinkedHashMap<>(request.spec().env());
    env.putAll(request.env());
    Cluster.Builder b =
        Cluster.builder(clusterId, request.name(), request.spec(), Instant.EPOCH)
            .namespace(request.namespace())
            .labels(request.labels())
            .env(env)
            .plugins(request.plugins().stream().filter(r -> !r.disable()).toList());
    for (RoleSpec role : request.spec().roles()) {
      int count = Optional.ofNullable(request.counts().get(role.name())).orElse(role.count());
      for (int i = 1; i <= count; i++) {
        b.putNode(ClusterChanges.newNode(request.name(), request.spec(), role, i));
      }
    }
    return of(plan, b.build(), plugins);
  }
}
