package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;

import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Links;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import io.clusterlifecycle.core.internal.plan.StraightDeployment;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Deletes a cluster; a failed one only with force. */
final class DeleteOperation extends ClusterOperation<DeleteCluster> {

  DeleteOperation() {
    super(DeleteCluster.class, OperationType.DELETE);
  }

  @Override
  void checkState(DeleteCluster r, Cluster c) {
    // a failed cluster gets the message below, which names the way out
    if (r.force() || !c.state().isFailed()) {
      super.checkState(r, c);
    }
  }

  @Override
  CompletableFuture<Prepared> prepare(DeleteCluster r, Cluster c, EngineContext ctx) {
    if (c.state().isFailed() && !r.force()) {
      throw new IllegalStateTransitionException(
          c.state(),
          ClusterState.UNDEPLOYING,
          "cluster " + c.name() + " is " + c.state() + "; recover it, or delete it with force");
    }
    Checks.plain(r.timeout(), "delete request for " + r.cluster());
    if (!r.force()) {
      return ctx.retrying(() -> ctx.store().list().toCompletableFuture())
          .thenApply(
              all -> {
                List<Cluster> dependents = Links.dependents(c, all);
                if (!dependents.isEmpty()) {
                  throw new ValidationException(
                      "delete request for " + c.name(),
                      List.of(
                          ValidationProblem.of(
                              "cluster",
                              "clusters depend on "
                                  + c.namespace()
                                  + "/"
                                  + c.name()
                                  + ": "
                                  + String.join(
                                      ", ",
                                      dependents.stream()
                                          .map(d -> d.namespace() + "/" + d.name())
                                          .toList())
                                  + "; remove their dependency first, or delete with force")));
                }
                return prepared(r, c);
              });
    }
    return done(prepared(r, c));
  }

  private static Prepared prepared(DeleteCluster r, Cluster c) {
    return new Prepared(
        c,
        plan(c, r.force(), r.keepVolumes()),
        Set.of(),
        c.nodes().stream().map(Node::id).collect(Collectors.toSet()));
  }

  @Override
  public NodeState leavingStateAfterRefusal(Operation op) {
    return op.startedFrom() == ClusterState.STOPPED ? NodeState.STOPPED : NodeState.RUNNING;
  }

  /** The plan that deletes a cluster. Commands run only on nodes that are up. */
  static Plan plan(Cluster cluster, boolean force, boolean keepVolumes) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.DELETE);
    if (StraightDeployment.applies(cluster)) {
      StraightDeployment.delete(b, cluster, force, keepVolumes);
    } else {
      b.teardown(up(cluster.nodes()), force);
      b.deleteResources(cluster.nodes(), keepVolumes);
    }
    b.metadata(
        "unpublish metadata",
        MetadataStep.Action.UNPUBLISH,
        "tree",
        List.of(MetadataStep.ALL),
        List.of(),
        false);
    return b.build();
  }
}
