package io.clusterlifecycle.core.internal.plan;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.NodeState;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A spec, a cluster of it and a one-line-per-stage rendering of plans, for plan tests. */
public final class PlanFixtures {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private PlanFixtures() {}

  /** master (order 0) / worker (order 1) / client (order 2), as in samples/specs/hadoop.yaml. */
  public static AppSpec spec(Consumer<RoleSpec.Builder> worker) {
    return AppSpec.builder("hadoop", "1.0")
        .role(
            "master",
            r ->
                r.count(1)
                    .service("init", "i")
                    .service("start", s -> s.cmd("s").order(0))
                    .service("stop", s -> s.cmd("x").order(2)))
        .role(
            "worker",
            r ->
                worker.accept(
                    r.count(3)
                        .maxNodes(9)
                        .minNodes(1)
                        .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                        .service("init", s -> s.cmd("i").postStartService(true))
                        .service("start", s -> s.cmd("s").order(1))
                        .service("stop", s -> s.cmd("x").order(1))
                        .service("scale_out", s -> s.cmd("so").nodesToExecuteOn(2))
                        .service("scale_in", s -> s.cmd("si").preCheck("pc"))))
        .role(
            "client",
            r ->
                r.count(1)
                    .minNodes(0)
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service("start", s -> s.cmd("s").order(2))
                    .service("stop", s -> s.cmd("x").order(0))
                    .service("scale_out", s -> s.cmd("so").order(3))
                    .service("reload", s -> s.cmd("r").addWatch("/hosts")))
        .build();
  }

  public static Cluster cluster(AppSpec spec, NodeState state) {
    Cluster.Builder b = Cluster.builder("c1", "demo", spec, T0);
    for (RoleSpec role : spec.roles()) {
      for (int i = 1; i <= role.count(); i++) {
        b.putNode(
            Node.builder()
                .id("demo-" + role.name() + "-" + i)
                .role(role.name())
                .index(i)
                .state(state)
                .address("10.0.0." + i)
                .instanceId("i-" + i)
                .cpu(1)
                .memory(1024)
                .volumeSize(0)
                .image("")
                .version("3.8.4")
                .build());
      }
    }
    return b.build();
  }

  /** One line per stage: name [policy/finally]: step, step, ... */
  public static List<String> stages(Plan plan) {
    return plan.stages().stream()
        .map(
            s ->
                s.name()
                    + (s.onFailure() != Stage.FailurePolicy.FAIL ? " [" + s.onFailure() + "]" : "")
                    + (s.always() ? " [finally]" : "")
                    + ": "
                    + s.steps().stream().map(st -> st.describe()).collect(Collectors.joining(", ")))
        .toList();
  }
}
