package io.clusterlifecycle.samples.platform.cluster;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/**
 * Adds instances to a cluster.
 *
 * @param role the role to grow
 * @param count how many instances, 1 when absent
 */
public record AddInstancesRequest(@NotBlank String role, @Min(1) @Max(1000) Integer count) {

  /** Fills the default count. */
  public AddInstancesRequest {
    count = count == null ? 1 : count;
  }
}
