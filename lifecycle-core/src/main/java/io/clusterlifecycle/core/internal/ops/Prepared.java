package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.plan.Plan;
import java.util.Set;

/**
 * A request turned into the record its operation runs on and the plan it runs.
 *
 * @param cluster the record as the operation starts it (new nodes PENDING, new spec in place)
 * @param plan the plan; its type is the operation's type
 * @param added ids of the nodes the operation creates
 * @param leaving ids of the nodes the operation removes
 */
public record Prepared(Cluster cluster, Plan plan, Set<String> added, Set<String> leaving) {

  /** Copies the sets. */
  public Prepared {
    added = Set.copyOf(added);
    leaving = Set.copyOf(leaving);
  }
}
