package io.clusterlifecycle.api.plan;

import io.clusterlifecycle.api.state.NodeAction;
import java.util.Objects;

/**
 * Carries out one action of the service orchestrator on one node (docs/design.md §6.13): through
 * the resource provider, or in the node's record alone for {@code hold} and {@code release}. On
 * success the node is in the action's {@link NodeAction#leaves() state}.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param action the action
 * @param snapshot the snapshot's name for a snapshot action; empty otherwise
 */
public record NodeActionStep(
    String id, String node, String role, NodeAction action, String snapshot) implements Step {

  /**
   * Checks the fields.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param action the action
   * @param snapshot the snapshot name, or empty
   */
  public NodeActionStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(snapshot, "snapshot");
  }

  @Override
  public String describe() {
    return action.label() + (snapshot.isEmpty() ? "" : " " + snapshot) + " " + node;
  }
}
