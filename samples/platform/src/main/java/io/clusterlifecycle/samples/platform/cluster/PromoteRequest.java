package io.clusterlifecycle.samples.platform.cluster;

import jakarta.validation.constraints.NotBlank;

/**
 * Promotes an instance to its role's primary.
 *
 * @param instance the node id
 * @param switchover demote a running primary (without it a running primary is a conflict)
 */
public record PromoteRequest(@NotBlank String instance, Boolean switchover) {

  /** An absent {@code switchover} is false. */
  public PromoteRequest {
    switchover = switchover != null && switchover;
  }
}
