package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Runs one service of the app spec on one node.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param service the service name
 * @param order the service's order for the node's role
 */
public record ServiceStep(String id, String node, String role, String service, int order)
    implements Step {
  /**
   * Checks for nulls.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param service the service name
   * @param order the service's order
   */
  public ServiceStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(service, "service");
  }

  @Override
  public String describe() {
    return service + " on " + node;
  }
}
