package io.clusterlifecycle.api.model;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.state.ClusterState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which clusters to list: by namespace, state and label selector; every part is optional.
 *
 * @param namespace only clusters of this namespace
 * @param state only clusters in this state
 * @param selector only clusters carrying every one of these labels with these values
 */
public record ClusterQuery(
    Optional<String> namespace, Optional<ClusterState> state, Map<String, String> selector) {

  /**
   * Checks for nulls and copies the selector.
   *
   * @param namespace the namespace, if any
   * @param state the state, if any
   * @param selector labels to match; copied
   */
  public ClusterQuery {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(state, "state");
    selector = Map.copyOf(selector);
  }

  /**
   * Returns a query that matches every cluster.
   *
   * @return the query
   */
  public static ClusterQuery all() {
    return new ClusterQuery(Optional.empty(), Optional.empty(), Map.of());
  }

  /**
   * Returns a copy limited to one namespace.
   *
   * @param ns the namespace
   * @return the copy
   */
  public ClusterQuery inNamespace(String ns) {
    return new ClusterQuery(Optional.of(ns), state, selector);
  }

  /**
   * Returns a copy limited to one state.
   *
   * @param s the state
   * @return the copy
   */
  public ClusterQuery inState(ClusterState s) {
    return new ClusterQuery(namespace, Optional.of(s), selector);
  }

  /**
   * Returns a copy limited by a label selector of the form {@code k1=v1,k2=v2}.
   *
   * @param text the selector
   * @return the copy
   * @throws ValidationException if a part is not {@code key=value} with a non-empty key
   */
  public ClusterQuery withSelector(String text) {
    Map<String, String> parsed = new LinkedHashMap<>(selector);
    for (String part : text.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new ValidationException(
            "label selector",
            List.of(
                ValidationProblem.of(
                    "selector",
                    "'" + part + "' is not key=value; write" + " the selector as k1=v1,k2=v2")));
      }
      parsed.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
    }
    return new ClusterQuery(namespace, state, parsed);
  }

  /**
   * Tells whether a cluster matches this query.
   *
   * @param cluster the cluster
   * @return true when it matches every part
   */
  public boolean matches(Cluster cluster) {
    return namespace.map(cluster.namespace()::equals).orElse(true)
        && state.map(s -> s == cluster.state()).orElse(true)
        && selector.entrySet().stream()
            .allMatch(e -> e.getValue().equals(cluster.labels().get(e.getKey())));
  }
}
