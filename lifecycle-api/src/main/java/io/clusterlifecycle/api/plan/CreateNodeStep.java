package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Creates a node's resources (instance, volume, address) through the resource provider.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 */
public record CreateNodeStep(String id, String node, String role) implements Step {
  /**
   * Checks for nulls.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   */
  public CreateNodeStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
  }

  @Override
  public String describe() {
    return "create " + node;
  }
}
