package io.clusterlifecycle.spring.boot.actuate;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ClusterQuery;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The actuator endpoint {@code lifecycle}: every cluster with its state and the operations running
 * now ({@code GET /actuator/lifecycle}), and one cluster with its nodes and operations ({@code GET
 * /actuator/lifecycle/{cluster}}, by id or name). Read-only.
 */
@Endpoint(id = "lifecycle")
public class LifecycleEndpoint {
  private final Lifecycle lifecycle;

  /**
   * Creates the endpoint.
   *
   * @param lifecycle the engine it reads
   */
  public LifecycleEndpoint(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /**
   * Lists every cluster, and the operations running now.
   *
   * @return the estate
   */
  @ReadOperation
  public Estate estate() {
    List<Cluster> clusters = lifecycle.list(ClusterQuery.all());
    List<OperationSummary> running =
        clusters.stream()
            .flatMap(c -> c.operation().stream())
            .map(lifecycle::operation)
            .flatMap(Optional::stream)
            .map(OperationSummary::of)
            .toList();
    return new Estate(clusters.stream().map(ClusterSummary::of).toList(), running);
  }

  /**
   * Shows one cluster.
   *
   * @param cluster the cluster's id or name
   * @return the cluster, or null (404) when there is none
   */
  @ReadOperation
  public ClusterDetail cluster(@Selector String cluster) {
    Cluster c;
    try {
      c = lifecycle.get(cluster);
    } catch (NotFoundException e) {
      return null;
    }
    return new ClusterDetail(
        ClusterSummary.of(c),
        c.nodes().stream().map(NodeSummary::of).toList(),
        lifecycle.operations(c.id()).stream().map(OperationSummary::of).toList());
  }

  /**
   * Every cluster and the operations running now.
   *
   * @param clusters the clusters
   * @param running the operations under way
   */
  public record Estate(List<ClusterSummary> clusters, List<OperationSummary> running) {}

  /**
   * One cluster, its nodes and its operations, oldest first.
   *
   * @param cluster the cluster
   * @param nodes its nodes
   * @param operations its operations
   */
  public record ClusterDetail(
      ClusterSummary cluster, List<NodeSummary> nodes, List<OperationSummary> operations) {}

  /**
   * A cluster in a line.
   *
   * @param id the id
   * @param name the name
   * @param namespace the namespace
   * @param app the app spec's name
   * @param version the app spec's version
   * @param state the state
   * @param nodes the number of nodes
   * @param operation the operation under way, or null
   */
  public record ClusterSummary(
      String id,
      String name,
      String namespace,
      String app,
      String version,
      String state,
      int nodes,
      String operation) {
    static ClusterSummary of(Cluster c) {
      return new ClusterSummary(
          c.id(),
          c.name(),
          c.namespace(),
          c.spec().name(),
          c.spec().version(),
          c.state().name(),
          c.nodes().size(),
          c.operation().orElse(null));
    }
  }

  /**
   * A node in a line.
   *
   * @param id the id
   * @param role the role
   * @param state the state
   * @param address the address, or null before it has one
   */
  public record NodeSummary(String id, String role, String state, String address) {
    static NodeSummary of(Node n) {
      return new NodeSummary(n.id(), n.role(), n.state().name(), n.address().orElse(null));
    }
  }

  /**
   * An operation in a line.
   *
   * @param id the id
   * @param cluster the cluster's id
   * @param type the type
   * @param state the state
   * @param createdAt when it was submitted
   * @param endedAt when it ended, or null while it runs
   * @param error why it failed, or null
   */
  public record OperationSummary(
      String id,
      String cluster,
      String type,
      String state,
      Instant createdAt,
      Instant endedAt,
      String error) {
    static OperationSummary of(Operation o) {
      return new OperationSummary(
          o.id(),
          o.clusterId(),
          o.type().name(),
          o.state().name(),
          o.createdAt(),
          o.endedAt().orElse(null),
          o.error().orElse(null));
    }
  }
}
