package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Resizes one node's instance and volume through the resource provider (SPEC 7.5); on success
 * the node's record holds the new sizes.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param cpu the new core count
 * @param memory the new memory, MiB
 * @param volumeSize the new volume size, GiB; {@code 0} when the node has no volume
 */
public record ResizeNodeStep(String id, String node, String role, int cpu, int memory, int volumeSize) implements Step {

  /**
   * Checks the fields.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param cpu the new core count
   * @param memory the new memory, MiB
   * @param volumeSize the new volume size, GiB; {@code 0} when the node has no volume
   */
  public ResizeNodeStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    if (cpu < 1 || memory < 1 || volumeSize < 0) {
      throw new IllegalArgumentException("sizes must be positive, were cpu=" + cpu
          + " memory=" + memory + " volume=" + volumeSize);
    }
  }

  @Override
  public String describe() {
    return "resize " + node + " to " + cpu + " cpu, " + memory + " MiB" + (volumeSize > 0 ? ", " + volumeSize + " GiB" : "");
  }
}
