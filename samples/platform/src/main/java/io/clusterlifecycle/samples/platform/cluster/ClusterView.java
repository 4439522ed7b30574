package io.clusterlifecycle.samples.platform.cluster;

import io.clusterlifecycle.api.model.Cluster;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A cluster as the cluster API shows it in detail.
 *
 * @param id its id
 * @param name its name
 * @param namespace its namespace
 * @param app its app's name
 * @param version its app's version
 * @param state its state
 * @param operation the library operation under way, or null
 * @param labels its labels
 * @param instances its instances
 * @param createdAt when it was created
 * @param updatedAt when its record last changed
 */
public record ClusterView(
    String id,
    String name,
    String namespace,
    String app,
    String version,
    String state,
    String operation,
    Map<String, String> labels,
    List<InstanceView> instances,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * Views a cluster.
   *
   * @param c the cluster
   * @return the view
   */
  public static ClusterView of(Cluster c) {
    return new ClusterView(
        c.id(),
        c.name(),
        c.namespace(),
        c.spec().name(),
        c.spec().version(),
        c.state().name(),
        c.operation().orElse(null),
        c.labels(),
        c.nodes().stream().map(n -> InstanceView.of(c, n)).toList(),
        c.createdAt(),
        c.updatedAt());
  }
}
