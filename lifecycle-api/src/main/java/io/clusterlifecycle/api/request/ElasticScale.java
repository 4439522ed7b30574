package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.spec.ElasticityPolicy;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;

/**
 * Set a role's node count, the way the autoscaler does (docs/design.md §6.14): nodes are added, or
 * the newest are deleted, like add-nodes and delete-nodes do; the cluster goes {@code SCALING}
 * during the change and {@code COOLDOWN} after it, until the cooldown ends or {@code recover} ends
 * it.
 *
 * @param cluster the cluster's id or name
 * @param role the role, which must list {@code scale_horizontal}
 * @param cardinality the node count wanted, within the role's [min_nodes, max_nodes] and different
 *     from its count now
 * @param cooldown how long the cluster stays in {@code COOLDOWN} afterwards, {@code >= 0}
 * @param reason why, for the operation's events (such as the policy that fired)
 */
public record ElasticScale(
    String cluster, String role, int cardinality, Duration cooldown, String reason)
    implements ClusterRequest {

  /**
   * Checks for nulls.
   *
   * @param cluster the cluster's id or name
   * @param role the role
   * @param cardinality the node count wanted
   * @param cooldown the cooldown afterwards
   * @param reason why
   * @throws NullPointerException if a reference is null
   */
  public ElasticScale {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(cooldown, "cooldown");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * A manual change with the default cooldown of elasticity policies.
   *
   * @param cluster the cluster's id or name
   * @param role the role
   * @param cardinality the node count wanted
   * @return the request
   */
  public static ElasticScale of(String cluster, String role, int cardinality) {
    return new ElasticScale(
        cluster,
        role,
        cardinality,
        Duration.ofSeconds(ElasticityPolicy.DEFAULT_COOLDOWN_SECONDS),
        "requested");
  }

  /**
   * A copy with another cooldown.
   *
   * @param value {@code >= 0}
   * @return the copy
   */
  public ElasticScale withCooldown(Duration value) {
    return new ElasticScale(cluster, role, cardinality, value, reason);
  }

  /**
   * The autoscaler's changes have no timeout of their own: each step keeps its service's.
   *
   * @return empty
   */
  @Override
  public java.util.Optional<Duration> timeout() {
    return java.util.Optional.empty();
  }

  @Override
  public OperationType type() {
    return OperationType.ELASTIC_SCALE;
  }
}
