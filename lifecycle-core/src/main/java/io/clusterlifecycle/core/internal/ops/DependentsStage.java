package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ReloadDependentStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Links;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Ends the plan of an operation that changes what dependents see of its cluster with a stage that
 * reloads each dependent (docs/design.md §15), so that the hand-off is journaled with the
 * operation: an engine that dies before it ran runs it when the operation resumes. An operation
 * that changes nothing they see but may move a node's address gets the stage only for when an
 * address did change.
 */
final class DependentsStage {
  /** The operations whose success changes what a dependent sees of the cluster. */
  static final Set<OperationType> CHANGING =
      EnumSet.of(
          OperationType.ADD_NODES,
          OperationType.DELETE_NODES,
          OperationType.SCALE_VERTICAL,
          OperationType.UPGRADE,
          OperationType.ROLLBACK,
          OperationType.START,
          OperationType.ADD_ROLE,
          OperationType.REMOVE_ROLE,
          OperationType.UPDATE_CONFIG);

  static final String NAME = "reload dependents";

  private DependentsStage() {}

  /** {@code p} with the stage appended when the cluster has dependents the operation affects. */
  static CompletableFuture<Prepared> append(
      OperationRequest request, OperationType type, Prepared p, EngineContext ctx) {
    // dependents see a cluster's hosts, env and config, not its labels or its own links
    boolean changing =
        CHANGING.contains(type)
            && !(request instanceof Reconfigure r
                && r.change().values().isEmpty()
                && r.change().params().isEmpty());
    // any other plan that starts, resizes or re-images nodes may move an address they see
    boolean moves =
        p.plan().stages().stream().anyMatch(s -> s.kind() == Stage.Kind.IF_ADDRESSES_CHANGED);
    if (p.plan().stages().isEmpty() || !changing && !moves) {
      return CompletableFuture.completedFuture(p);
    }
    return ctx.retrying(() -> ctx.store().list())
        .thenApply(
            all -> {
              List<Cluster> dependents = Links.dependents(p.cluster(), all);
              if (dependents.isEmpty()) {
                return p;
              }
              Plan plan = p.plan();
              int number = plan.stages().size() + 1;
              Stage.Builder stage =
                  Stage.builder(NAME)
                      .kind(changing ? Stage.Kind.PLANNED : Stage.Kind.IF_ADDRESSES_CHANGED);
              for (Cluster d : dependents) {
                stage.addStep(
                    new ReloadDependentStep(
                        PlanBuilder.id(number, "reload-dependent", d.id()),
                        d.id(),
                        d.namespace() + "/" + d.name()));
              }
              List<Stage> stages = new ArrayList<>(plan.stages());
              stages.add(stage.build());
              return new Prepared(
                  p.cluster(),
                  new Plan(
                      plan.clusterId(),
                      plan.clusterName(),
                      plan.type(),
                      stages,
                      plan.estimate(),
                      plan.files()),
                  p.added(),
                  p.leaving());
            });
  }
}
