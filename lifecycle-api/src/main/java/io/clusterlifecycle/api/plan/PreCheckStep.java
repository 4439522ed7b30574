package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Runs a service's {@code pre_check} command on one node; a non-zero exit refuses the operation
 * before anything changes.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param service the service whose pre-check runs ({@code scale_out} or {@code scale_in})
 */
public record PreCheckStep(String id, String node, String role, String service) implements Step {
  /**
   * Checks for nulls.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param service the service name
   */
  public PreCheckStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(service, "service");
  }

  @Override
  public String describe() {
    return service + ".pre_check on " + node;
  }
}
