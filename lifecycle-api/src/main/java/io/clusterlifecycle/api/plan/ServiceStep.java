package io.clusterlifecycle.api.plan;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Runs one service of the app spec on one node.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param service the service name
 * @param order the service's order for the node's role
 * @param env variables the command gets besides the engine's {@code LC_*} ones, such as the
 *     backup artifact of a {@code backup} or {@code restore} step; never secrets
 */
public record ServiceStep(String id, String node, String role, String service, int order,
    Map<String, String> env) implements Step {
  /**
   * Checks for nulls.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param service the service name
   * @param order the service's order
   * @param env extra variables; copied, sorted by name; {@code null} means none
   */
  public ServiceStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(service, "service");
    env = env == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
  }

  /**
   * Creates a step with no extra variables.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param service the service name
   * @param order the service's order
   */
  public ServiceStep(String id, String node, String role, String service, int order) {
    this(id, node, role, service, order, Map.of());
  }

  @Override
  public String describe() {
    return service + " on " + node;
  }
}
