package io.clusterlifecycle.samples.platform.release;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ClusterQuery;
import io.clusterlifecycle.api.state.ClusterState;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Finds releases: the clusters not deleted ({@code DONE}), by namespace and name. A release's name
 * is unique in its namespace, as the library keeps cluster names.
 */
@Component
public class Releases {

  private final Lifecycle lifecycle;

  /**
   * Creates the finder.
   *
   * @param lifecycle the library
   */
  public Releases(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /**
   * Finds a release.
   *
   * @param namespace its namespace
   * @param name its name
   * @return its cluster, or empty
   */
  public Optional<Cluster> find(String namespace, String name) {
    return lifecycle.list(ClusterQuery.all().inNamespace(namespace)).stream()
        .filter(c -> c.name().equals(name) && c.state() != ClusterState.DONE)
        .findFirst();
  }

  /**
   * Reads a release.
   *
   * @param namespace its namespace
   * @param name its name
   * @return its cluster
   * @throws NotFoundException if there is none (404)
   */
  public Cluster get(String namespace, String name) {
    return find(namespace, name)
        .orElseThrow(
            () -> new NotFoundException("release " + namespace + "/" + name + " not found"));
  }

  /**
   * Lists releases.
   *
   * @param namespace only those of this namespace; all when empty
   * @param labelSelector {@code k1=v1,k2=v2}: only those with these labels; all when null or blank
   * @return the releases, oldest first
   * @throws io.clusterlifecycle.api.error.ValidationException for a malformed selector (400)
   */
  public List<Cluster> list(Optional<String> namespace, String labelSelector) {
    ClusterQuery query = ClusterQuery.all();
    if (namespace.isPresent()) {
      query = query.inNamespace(namespace.get());
    }
    if (labelSelector != null && !labelSelector.isBlank()) {
      query = query.withSelector(labelSelector);
    }
    return lifecycle.list(query).stream().filter(c -> c.state() != ClusterState.DONE).toList();
  }
}
