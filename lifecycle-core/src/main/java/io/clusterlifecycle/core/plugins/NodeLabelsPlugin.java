package io.clusterlifecycle.core.plugins;

import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.SpecPlugin;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plugin {@value #NAME}: puts labels on every node the cluster creates afterwards, as entries of
 * the node's {@link NodeSpec#tags()} (labels of the Pod on Kubernetes, tags of the VM elsewhere).
 *
 * <p>Arguments: {@code {"labels": {"team": "data", "example.com/tier": "gold"}}} — keys are label
 * keys ({@code [prefix/]name}, not starting with {@code lifecycle.}, which the engine's tags use),
 * values are label values (at most 63 characters). An entry does not replace a tag the engine or an
 * earlier plugin set. Stateless and thread-safe.
 */
public final class NodeLabelsPlugin implements SpecPlugin {
  /** The plugin's name: {@value}. */
  public static final String NAME = "node-labels";

  /** The plugin's version: {@value}. */
  public static final String VERSION = "1.0";

  /** Creates the plugin. */
  public NodeLabelsPlugin() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public void checkArgs(String args) {
    PluginArgs.labels(NAME, args, "labels");
  }

  @Override
  public NodeSpec transformNode(NodeSpec node, String args) {
    Map<String, String> tags = new LinkedHashMap<>(node.tags());
    PluginArgs.labels(NAME, args, "labels").forEach(tags::putIfAbsent);
    return node.toBuilder().tags(tags).build();
  }
}
