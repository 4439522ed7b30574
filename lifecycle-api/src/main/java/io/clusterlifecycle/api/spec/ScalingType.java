package io.clusterlifecycle.api.spec;

/**
 * How an elasticity or scheduled policy turns its {@code adjust} into a role's new node count
 * (docs/design.md §6.14). The result is always clamped to the role's [min_nodes, max_nodes].
 */
public enum ScalingType {
  /** Adds {@code adjust} nodes (negative: removes them). */
  CHANGE,
  /** Sets the node count to {@code adjust}. */
  CARDINALITY,
  /**
   * Adds {@code adjust} percent of the current count (negative: removes), rounded toward zero, and
   * at least {@code min_adjust_step} nodes.
   */
  PERCENTAGE_CHANGE;

  /**
   * The node count a policy of this type asks for, before clamping.
   *
   * @param current the role's node count now
   * @param adjust the policy's adjustment
   * @param minAdjustStep for {@link #PERCENTAGE_CHANGE}, the fewest nodes a change adds or removes;
   *     ignored by the other types
   * @return the wanted count, never negative
   */
  public int target(int current, int adjust, int minAdjustStep) {
    long wanted =
        switch (this) {
          case CHANGE -> (long) current + adjust;
          case CARDINALITY -> adjust;
          case PERCENTAGE_CHANGE -> {
            long delta = (long) current * adjust / 100;
            if (adjust != 0 && Math.abs(delta) < minAdjustStep) {
              delta = adjust > 0 ? minAdjustStep : -minAdjustStep;
            }
            yield current + delta;
          }
        };
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, wanted));
  }

  /**
   * The node count a policy of this type asks for, clamped to the role's bounds.
   *
   * @param role the role
   * @param current the role's node count now
   * @param adjust the policy's adjustment
   * @param minAdjustStep see {@link #target(int, int, int)}
   * @return the wanted count within [min_nodes, max_nodes]
   */
  public int target(RoleSpec role, int current, int adjust, int minAdjustStep) {
    int wanted = target(current, adjust, minAdjustStep);
    return Math.max(role.minNodes(), Math.min(role.maxNodes(), wanted));
  }
}
