package io.clusterlifecycle.api.spi;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spec.RoleSpec;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Reports the metrics elasticity policies read (docs/design.md §6.14): one value per metric name
 * for a role of a cluster, such as its nodes' average CPU use.
 *
 * <p>Contract: {@link #sample} is asynchronous and never blocks the caller's thread; it is called
 * at most once per policy period per role, from the engine's executor. A metric the source cannot
 * measure this time is left out of the map (the policy's condition is then not judged, and the
 * engine emits a {@code WARNING} event naming it); a failure completes the stage exceptionally.
 * Implementations are thread-safe.
 */
public interface MetricsSource {

  /**
   * Samples a role's metrics.
   *
   * @param cluster the cluster, as last recorded
   * @param role the role whose nodes are measured
   * @return a stage completing with values by metric name, averaged over the role's running nodes
   */
  CompletionStage<Map<String, Double>> sample(Cluster cluster, String role);

  /**
   * The metrics among {@code metrics} this source can never report for {@code role}. The engine
   * refuses a spec whose policies read one, before anything runs, naming the metrics and {@link
   * #name()}.
   *
   * @param role the role whose elasticity policies read the metrics
   * @param metrics the metric names its policies read
   * @return the names it cannot report; empty by default
   */
  default Set<String> unknown(RoleSpec role, Set<String> metrics) {
    return Set.of();
  }

  /**
   * A short name for messages.
   *
   * @return by default the class's simple name
   */
  default String name() {
    return getClass().getSimpleName();
  }
}
