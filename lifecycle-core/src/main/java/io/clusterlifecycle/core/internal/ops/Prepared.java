package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import java.util.Set;
import java.util.stream.Collectors;

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

  /** The operation of a recorded plan: the nodes its steps create, and those it removes. */
  public static Prepared ofRecorded(Cluster cluster, Plan plan) {
    return new Prepared(cluster, plan, nodes(plan, CreateNodeStep.class), leaving(plan));
  }

  /**
   * The nodes a recorded plan removes: those its node deletions name outside recovery stages (a
   * recovery stage deletes failed nodes that the plan creates again, docs/design.md §6.12).
   */
  public static Set<String> leaving(Plan plan) {
    return plan.stages().stream()
        .filter(st -> st.kind() != Stage.Kind.RECOVERY)
        .flatMap(st -> st.steps().stream())
        .filter(DeleteNodeStep.class::isInstance)
        .map(s -> ((DeleteNodeStep) s).node())
        .collect(Collectors.toSet());
  }

  /** The nodes the plan's steps of one kind (node creations or deletions) name. */
  public static Set<String> nodes(Plan plan, Class<? extends Step> kind) {
    return plan.steps()
        .filter(kind::isInstance)
        .map(s -> s instanceof CreateNodeStep cs ? cs.node() : ((DeleteNodeStep) s).node())
        .collect(Collectors.toSet());
  }
}
