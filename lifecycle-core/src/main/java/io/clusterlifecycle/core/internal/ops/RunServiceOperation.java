package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.selected;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;
import static io.clusterlifecycle.core.internal.plan.Planner.REBOOT;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** Runs a service on demand on the nodes of one role or of all, in batches. */
final class RunServiceOperation extends ClusterOperation<RunService> {

  RunServiceOperation() {
    super(RunService.class, OperationType.RUN_SERVICE);
  }

  @Override
  CompletableFuture<Prepared> prepare(RunService r, Cluster c, EngineContext ctx) {
    r.role().ifPresent(role -> Checks.role(c, role));
    List<Node> nodes = r.role().map(c::nodes).orElse(c.nodes());
    boolean defined =
        nodes.stream()
            .anyMatch(
                n -> c.specOf(n).role(n.role()).flatMap(x -> x.service(r.service())).isPresent());
    if (!defined && !r.service().equals(Planner.REBOOT)) {
      throw new ValidationException(
          "run request for " + c.name(),
          List.of(
              ValidationProblem.of(
                  "service",
                  (r.role().map(x -> "role " + x).orElse("no role")
                      + " defines service '"
                      + r.service()
                      + "'; defined: "
                      + definedServices(c, r.role())))));
    }
    Checks.batches(r.batchSize(), r.batchPeriod(), r.timeout(), "run request for " + c.name());
    return done(
        new Prepared(
            c, plan(c, r.service(), nodes, r.batchSize(), r.batchPeriod()), Set.of(), Set.of()));
  }

  private static String definedServices(Cluster c, Optional<String> role) {
    Set<String> names = new TreeSet<>();
    c.spec().roles().stream()
        .filter(x -> role.isEmpty() || x.name().equals(role.get()))
        .forEach(x -> names.addAll(x.services().keySet()));
    names.add(REBOOT);
    return String.join(", ", names);
  }

  /**
   * A service on demand over the given nodes, ordered like every service, in batches; the node
   * action {@value Planner#REBOOT}, when no role defines such a service, stops and starts the
   * instances.
   */
  static Plan plan(
      Cluster cluster, String service, List<Node> nodes, int batchSize, Duration period) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.RUN_SERVICE);
    List<Node> up = up(nodes);
    boolean defined =
        up.stream()
            .anyMatch(
                n -> cluster.specOf(n).role(n.role()).flatMap(r -> r.service(service)).isPresent());
    if (service.equals(REBOOT) && !defined) {
      b.inBatches(
          up,
          batchSize,
          period,
          batch -> {
            b.stopInstances(batch);
            b.startInstances(batch);
          });
    } else {
      b.inBatches(
          selected(cluster, service, up),
          batchSize,
          period,
          batch -> b.services(service, batch, s -> true, FailurePolicy.FAIL, service));
    }
    return b.build();
  }
}
