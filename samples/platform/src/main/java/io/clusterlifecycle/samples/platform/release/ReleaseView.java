package io.clusterlifecycle.samples.platform.release;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.samples.platform.cluster.InstanceView;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A release: a cluster seen with the release manager's names.
 *
 * @param name the release's name
 * @param namespace its namespace
 * @param id the library's cluster id (the cluster API's key)
 * @param chartName its app's name
 * @param chartVersion its app's version
 * @param state the cluster's state ({@code STOPPED} when paused)
 * @param paused whether it is paused
 * @param operation the library operation under way, or null
 * @param releaseLabels its labels
 * @param dependencies its dependencies
 * @param plugins its plugins
 * @param configValues its config values
 * @param params its parameters
 * @param instances its instances
 * @param createdAt when it was installed
 * @param updatedAt when its record last changed
 */
public record ReleaseView(
    String name,
    String namespace,
    String id,
    String chartName,
    String chartVersion,
    String state,
    boolean paused,
    String operation,
    Map<String, String> releaseLabels,
    Map<String, String> dependencies,
    List<PluginSpec> plugins,
    Map<String, Object> configValues,
    Map<String, Object> params,
    List<InstanceView> instances,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * Views a cluster as a release.
   *
   * @param c the cluster
   * @return the view
   */
  public static ReleaseView of(Cluster c) {
    return new ReleaseView(
        c.name(),
        c.namespace(),
        c.id(),
        c.spec().name(),
        c.spec().version(),
        c.state().name(),
        c.state() == io.clusterlifecycle.api.state.ClusterState.STOPPED,
        c.operation().orElse(null),
        c.labels(),
        c.dependencies(),
        c.plugins().stream().map(PluginSpec::of).toList(),
        c.configValues(),
        c.params(),
        c.nodes().stream().map(n -> InstanceView.of(c, n)).toList(),
        c.createdAt(),
        c.updatedAt());
  }
}
