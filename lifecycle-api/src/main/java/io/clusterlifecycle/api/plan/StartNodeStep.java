package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Starts one node's stopped instance (docs/design.md §6.7); on success the node is {@code RUNNING}.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 */
public record StartNodeStep(String id, String node, String role) implements Step {

  /**
   * Checks the fields.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   */
  public StartNodeStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
  }

  @Override
  public String describe() {
    return "start instance " + node;
  }
}
