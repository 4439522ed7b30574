package io.clusterlifecycle.api.plan;

import java.util.List;
import java.util.Objects;

/**
 * What a planned operation asks of the infrastructure (docs/design.md §7.3): per role and in total,
 * the resources the cluster holds after it and the change from before it.
 *
 * @param roles one estimate per role of the cluster after the operation, in spec order, then roles
 *     it removes
 * @param after the cluster's total after the operation
 * @param change the total change: positive for what it adds, negative for what it frees
 */
public record ResourceEstimate(List<RoleEstimate> roles, Resources after, Resources change) {

  /**
   * Checks for nulls and copies the roles.
   *
   * @param roles the roles; copied
   * @param after the total after
   * @param change the total change
   */
  public ResourceEstimate {
    roles = List.copyOf(roles);
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(change, "change");
  }

  /**
   * The estimate of one role.
   *
   * @param role the role name
   * @param after its resources after the operation
   * @param change the change from before it
   */
  public record RoleEstimate(String role, Resources after, Resources change) {

    /**
     * Checks for nulls.
     *
     * @param role the role name
     * @param after its resources after the operation
     * @param change the change
     */
    public RoleEstimate {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(change, "change");
    }
  }
}
