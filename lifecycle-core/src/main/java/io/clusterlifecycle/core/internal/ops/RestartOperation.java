package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RESTART;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.STOP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.selected;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Restarts the services of a running cluster in batches; refused, not queued, while busy. */
final class RestartOperation extends ClusterOperation<RestartCluster> {

  RestartOperation() {
    super(RestartCluster.class, OperationType.RESTART);
  }

  @Override
  CompletableFuture<Prepared> prepare(RestartCluster r, Cluster c, EngineContext ctx) {
    Checks.batches(r.batchSize(), r.batchPeriod(), r.timeout(), "restart request for " + c.name());
    return done(new Prepared(c, plan(c, r.batchSize(), r.batchPeriod()), Set.of(), Set.of()));
  }

  @Override
  public void checkOnSubmit(OperationRequest request, Cluster c, boolean claimedHere) {
    Optional<Node> busyNode =
        c.nodes().stream()
            .filter(
                n ->
                    n.state() == NodeState.DEPLOYING
                        || n.state() == NodeState.DELETING
                        || n.state() == NodeState.PENDING)
            .findFirst();
    if (c.state().isBusy() || !c.operation().isEmpty() || claimedHere) {
      throw new ConflictException(
          "restart of cluster "
              + c.name()
              + " is refused: it is busy ("
              + c.state()
              + (c.operation().isEmpty() ? "" : ", operation " + c.operation().orElse(""))
              + "); try again when it is idle",
          c.operation().orElse(""));
    }
    if (busyNode.isPresent()) {
      throw new ConflictException(
          "restart of cluster "
              + c.name()
              + " is refused: node "
              + busyNode.get().id()
              + " is "
              + busyNode.get().state(),
          "");
    }
  }

  /**
   * The plan of a restart: {@code restart} on the nodes of roles that define it, {@code stop} then
   * {@code start} on the others; in batches of {@code batchSize} nodes ({@code 0}: all at once)
   * with {@code period} between batches.
   */
  static Plan plan(Cluster cluster, int batchSize, Duration period) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.RESTART);
    List<Node> up = up(cluster.nodes());
    Predicate<Node> restartable =
        n -> cluster.specOf(n).role(n.role()).flatMap(r -> r.service(RESTART)).isPresent();
    List<Node> restarted = new ArrayList<>(selected(cluster, RESTART, up));
    List<Node> others = up.stream().filter(restartable.negate()).toList();
    Set<Node> stopStart = new LinkedHashSet<>(selected(cluster, STOP, others));
    stopStart.addAll(selected(cluster, START, others));
    List<Node> all =
        up.stream().filter(n -> restarted.contains(n) || stopStart.contains(n)).toList();
    b.inBatches(
        all,
        batchSize,
        period,
        batch -> {
          b.services(RESTART, batch, s -> true, FailurePolicy.FAIL, RESTART);
          List<Node> rest = batch.stream().filter(stopStart::contains).toList();
          b.services(STOP, rest, s -> true, FailurePolicy.FAIL, STOP);
          b.services(START, rest, s -> true, FailurePolicy.FAIL, START);
        });
    return b.build();
  }
}
