package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plugin.PluginRef;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.SpecPlugin;
import java.util.Map;

/**
 * The {@link NodeSpec} a create step gives the resource provider: what the engine runs and what a
 * dry run shows ({@code PlannedNodes}) come from this one place.
 */
public final class NodeSpecs {
  /** Tag with the app spec's name, for labels such as {@code app.kubernetes.io/name}. */
  public static final String TAG_APP_NAME = "lifecycle.app-name";

  /** Tag with the app spec's version, for labels such as {@code app.kubernetes.io/version}. */
  public static final String TAG_APP_VERSION = "lifecycle.app-version";

  private NodeSpecs() {}

  /**
   * The spec of a node to create, changed by the plugins the cluster enables, in its order
   * (docs/design.md §15).
   *
   * @param cluster the record the operation runs on
   * @param node the node, of that record
   * @param role the node's role in the app spec of the node's version
   * @param plugins the plugins registered in the engine, by name
   * @return the spec
   * @throws IllegalStateException if the cluster enables a plugin not registered, or a plugin
   *     returns null
   */
  public static NodeSpec forCreate(
      Cluster cluster, Node node, RoleSpec role, Map<String, SpecPlugin> plugins) {
    NodeSpec spec = forCreate(cluster, node, role);
    for (PluginRef ref : cluster.plugins()) {
      SpecPlugin plugin = plugins.get(ref.name());
      if (plugin == null) {
        throw new IllegalStateException(
            "cluster "
                + cluster.name()
                + " enables plugin '"
                + ref.name()
                + "', which is not registered in this engine");
      }
      spec = plugin.transformNode(spec, ref.args());
      if (spec == null) {
        throw new IllegalStateException("plugin '" + ref.name() + "' returned no node spec");
      }
    }
    return spec;
  }

  /**
   * The spec of a node to create, as the engine makes it before plugins change it.
   *
   * @param cluster the record the operation runs on
   * @param node the node, of that record
   * @param role the node's role in the app spec of the node's version
   * @return the spec, tagged with the cluster, role and node ids and the app's name and version
   */
  public static NodeSpec forCreate(Cluster cluster, Node node, RoleSpec role) {
    AppSpec app = cluster.specOf(node);
    return NodeSpec.builder()
        .ref(new NodeRef(cluster.id(), node.id()))
        .clusterName(cluster.name())
        .namespace(cluster.namespace())
        .role(node.role())
        .cpu(node.cpu())
        .memory(node.memory())
        .volumeSize(node.volumeSize())
        .mountPoint(role.volume().map(v -> v.mountPoint()))
        .image(node.image())
        .tags(
            Map.of(
                NodeSpec.TAG_CLUSTER,
                cluster.id(),
                NodeSpec.TAG_ROLE,
                node.role(),
                NodeSpec.TAG_NODE,
                node.id(),
                TAG_APP_NAME,
                app.name(),
                TAG_APP_VERSION,
                app.version()))
        .build();
  }
}
