package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Stops one node's instance, keeping its volume and address (docs/design.md §6.7); on success the
 * node is {@code STOPPED}.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 */
public record StopNodeStep(String id, String node, String role) implements Step {

  /**
   * Checks the fields.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   */
  public StopNodeStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
  }

  @Override
  public String describe() {
    return "stop instance " + node;
  }
}
