package io.clusterlifecycle.events.kafka;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a status snapshot says about one cluster.
 *
 * @param cluster the cluster id
 * @param name its name
 * @param namespace its namespace
 * @param state its state
 * @param operation the id of the operation under way, if any
 * @param appName the name of the app it runs
 * @param appVersion the version of the app it runs
 * @param nodesByState how many nodes are in each state, in the states' declaration order; states
 *     with no node left out
 * @param nodeCount how many nodes it has
 * @param updatedAt when its record last changed
 * @param recordVersion its record's version in the store
 */
record ClusterStatus(
    String cluster,
    String name,
    String namespace,
    ClusterState state,
    Optional<String> operation,
    String appName,
    String appVersion,
    Map<NodeState, Integer> nodesByState,
    int nodeCount,
    Instant updatedAt,
    long recordVersion) {

  static ClusterStatus of(Cluster c) {
    Map<NodeState, Integer> byState = new EnumMap<>(NodeState.class);
    for (Node n : c.nodes()) {
      byState.merge(n.state(), 1, Integer::sum);
    }
    return new ClusterStatus(
        c.id(),
        c.name(),
        c.namespace(),
        c.state(),
        c.operation(),
        c.spec().name(),
        c.spec().version(),
        Collections.unmodifiableMap(byState),
        c.nodes().size(),
        c.updatedAt(),
        c.version());
  }
}
