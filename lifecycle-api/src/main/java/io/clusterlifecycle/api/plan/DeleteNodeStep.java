package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Deletes a node's resources through the resource provider.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param keepVolume true to leave the node's volume in place
 */
public record DeleteNodeStep(String id, String node, String role, boolean keepVolume)
    implements Step {
  /**
   * Checks for nulls.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param keepVolume whether the volume is kept
   */
  public DeleteNodeStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
  }

  @Override
  public String describe() {
    return "delete " + node + (keepVolume ? " (keep volume)" : "");
  }
}
