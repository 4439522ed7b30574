package io.clusterlifecycle.core.plugins;

import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.SpecPlugin;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plugin {@value #NAME}: asks that every node the cluster creates afterwards be placed on hosts
 * with the given labels. It adds one tag per entry, {@value #TAG_PREFIX}{@code <key>=<value>}; the
 * Kubernetes adapter turns those tags into a required node affinity of the Pod ({@code key In
 * [value]}) instead of labels, other adapters keep them as tags.
 *
 * <p>Arguments: {@code {"node_selector": {"disktype": "ssd"}}} — keys are label keys of the hosts,
 * values their label values. Stateless and thread-safe.
 */
public final class PlacementPlugin implements SpecPlugin {
  /** The plugin's name: {@value}. */
  public static final String NAME = "placement";

  /** The plugin's version: {@value}. */
  public static final String VERSION = "1.0";

  /** Prefix of the tags the plugin adds: {@value}. */
  public static final String TAG_PREFIX = "lifecycle.placement/";

  /** Creates the plugin. */
  public PlacementPlugin() {}

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
    PluginArgs.labels(NAME, args, "node_selector");
  }

  @Override
  public NodeSpec transformNode(NodeSpec node, String args) {
    Map<String, String> tags = new LinkedHashMap<>(node.tags());
    PluginArgs.labels(NAME, args, "node_selector").forEach((k, v) -> tags.put(TAG_PREFIX + k, v));
    return node.toBuilder().tags(tags).build();
  }
}
