package io.clusterlifecycle.core.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.codec.RecordCodec;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** master (order 0) / worker (order 1) / client (order 2), as in samples/specs/hadoop.yaml. */
  static AppSpec spec(Consumer<RoleSpec.Builder> worker) {
    return AppSpec.builder("hadoop", "1.0")
        .role("master", r -> r.count(1)
            .service("init", "i").service("start", s -> s.cmd("s").order(0))
            .service("stop", s -> s.cmd("x").order(2)))
        .role("worker", r -> worker.accept(r.count(3).maxNodes(9).minNodes(1)
            .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
            .service("init", s -> s.cmd("i").postStartService(true))
            .service("start", s -> s.cmd("s").order(1))
            .service("stop", s -> s.cmd("x").order(1))
            .service("scale_out", s -> s.cmd("so").nodesToExecuteOn(2))
            .service("scale_in", s -> s.cmd("si").preCheck("pc"))))
        .role("client", r -> r.count(1).minNodes(0)
            .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
            .service("start", s -> s.cmd("s").order(2))
            .service("stop", s -> s.cmd("x").order(0))
            .service("scale_out", s -> s.cmd("so").order(3))
            .service("reload", s -> s.cmd("r").addWatch("/hosts")))
        .build();
  }

  static Cluster cluster(AppSpec spec, NodeState state) {
    Cluster.Builder b = Cluster.builder("c1", "demo", spec, T0);
    for (RoleSpec role : spec.roles()) {
      for (int i = 1; i <= role.count(); i++) {
        b.putNode(Node.builder().id("demo-" + role.name() + "-" + i).role(role.name()).index(i)
            .state(state).address("10.0.0." + i).instanceId("i-" + i).cpu(1).memory(1024)
            .volumeSize(0).image("").version("3.8.4").build());
      }
    }
    return b.build();
  }

  /** One line per stage: name [policy/finally]: step, step, ... */
  static List<String> stages(Plan plan) {
    return plan.stages().stream().map(s -> s.name()
        + (s.onFailure() != Stage.FailurePolicy.FAIL ? " [" + s.onFailure() + "]" : "")
        + (s.always() ? " [finally]" : "") + ": "
        + s.steps().stream().map(st -> st.describe()).collect(Collectors.joining(", ")))
        .toList();
  }

  @Test
  void create_runsInitThenStartThenPostStartInit_eachByAscendingOrder() {
    Cluster c = cluster(spec(r -> { }), NodeState.PENDING);
    assertThat(stages(Planner.create(c))).containsExactly(
        "create resources: create demo-master-1, create demo-worker-1, create demo-worker-2,"
            + " create demo-worker-3, create demo-client-1",
        "publish metadata: publish metadata tree",
        "init (order 0): init on demo-master-1",
        "start (order 0): start on demo-master-1",
        "start (order 1): start on demo-worker-1, start on demo-worker-2, start on demo-worker-3",
        "start (order 2): start on demo-client-1",
        "init (post-start) (order 0): init on demo-worker-1, init on demo-worker-2,"
            + " init on demo-worker-3");
  }

  @Test
  void delete_withoutDestroy_stopsByOrderThenDeletesAndUnpublishes() {
    Cluster c = cluster(spec(r -> { }), NodeState.RUNNING);
    assertThat(stages(Planner.delete(c, false, false))).containsExactly(
        "stop (order 0): stop on demo-client-1",
        "stop (order 1): stop on demo-worker-1, stop on demo-worker-2, stop on demo-worker-3",
        "stop (order 2): stop on demo-master-1",
        "delete resources: delete demo-master-1, delete demo-worker-1, delete demo-worker-2,"
            + " delete demo-worker-3, delete demo-client-1",
        "unpublish metadata: unpublish metadata tree");
  }

  @Test
  void delete_destroyGuard_runsFirstAndRefusesOnFailure_forceTurnsFailuresIntoWarnings() {
    Cluster c = cluster(spec(r -> r.service("destroy", "d")), NodeState.RUNNING);
    List<String> plain = stages(Planner.delete(c, false, true));
    assertThat(plain.get(0)).isEqualTo("destroy (guard) (order 0) [REFUSE]: destroy on"
        + " demo-worker-1, destroy on demo-worker-2, destroy on demo-worker-3");
    assertThat(plain.get(1)).startsWith("stop (order 0)");
    assertThat(plain).contains("delete resources: delete demo-master-1 (keep volume), delete"
        + " demo-worker-1 (keep volume), delete demo-worker-2 (keep volume), delete demo-worker-3"
        + " (keep volume), delete demo-client-1 (keep volume)");
    List<String> forced = stages(Planner.delete(c, true, false));
    assertThat(forced.get(0)).startsWith("destroy (guard) (order 0) [WARN]:");
    assertThat(forced.get(1)).startsWith("stop (order 0) [WARN]:");
  }

  @Test
  void delete_postStopDestroy_runsAfterStop() {
    Cluster c = cluster(spec(r -> r.service("destroy", s -> s.cmd("d").postStopService(true))),
        NodeState.RUNNING);
    assertThat(stages(Planner.delete(c, false, false))).containsExactly(
        "stop (order 0): stop on demo-client-1",
        "stop (order 1): stop on demo-worker-1, stop on demo-worker-2, stop on demo-worker-3",
        "stop (order 2): stop on demo-master-1",
        "destroy (order 0): destroy on demo-worker-1, destroy on demo-worker-2, destroy on"
            + " demo-worker-3",
        "delete resources: delete demo-master-1, delete demo-worker-1, delete demo-worker-2,"
            + " delete demo-worker-3, delete demo-client-1",
        "unpublish metadata: unpublish metadata tree");
  }

  @Test
  void addNodes_scaleOutOnlyOnExistingNodes_firstNodesToExecuteOn_andAddingHostsRemovedFinally() {
    Cluster running = cluster(spec(r -> { }), NodeState.RUNNING);
    Cluster c = running.toBuilder()
        .putNode(Node.builder().id("demo-worker-4").role("worker").index(4).state(NodeState.PENDING)
            .address("").instanceId("").cpu(1).memory(1024).volumeSize(0).image("").version("3.8.4")
            .build())
        .putNode(Node.builder().id("demo-worker-5").role("worker").index(5).state(NodeState.PENDING)
            .address("").instanceId("").cpu(1).memory(1024).volumeSize(0).image("").version("3.8.4")
            .build())
        .build();
    assertThat(stages(Planner.addNodes(c, Set.of("demo-worker-4", "demo-worker-5"))))
        .containsExactly(
            "create resources: create demo-worker-4, create demo-worker-5",
            "publish /hosts + /adding-hosts: publish /hosts + /adding-hosts of demo-worker-4,"
                + " demo-worker-5",
            "reload (order 0): reload on demo-client-1",
            "start (order 1): start on demo-worker-4, start on demo-worker-5",
            "init (post-start) (order 0): init on demo-worker-4, init on demo-worker-5",
            "scale_out (order 0): scale_out on demo-worker-1, scale_out on demo-worker-2",
            "scale_out (order 3): scale_out on demo-client-1",
            "remove /adding-hosts [finally]: unpublish /adding-hosts of demo-worker-4,"
                + " demo-worker-5");
  }

  @Test
  void deleteNodes_preCheckGuardScaleInStop_thenDeleteUnpublishReload_andFinallyRemoval() {
    Cluster c = cluster(spec(r -> r.service("destroy", "d")), NodeState.RUNNING);
    assertThat(stages(Planner.deleteNodes(c, List.of("demo-worker-3"), false))).containsExactly(
        "scale_in pre-check [REFUSE]: scale_in.pre_check on demo-worker-1,"
            + " scale_in.pre_check on demo-worker-2",
        "publish /deleting-hosts: publish /deleting-hosts of demo-worker-3",
        // the client's reload watches /hosts only, so /deleting-hosts alone does not trigger it
        "destroy (guard) (order 0) [REFUSE]: destroy on demo-worker-3",
        "scale_in (order 0): scale_in on demo-worker-1, scale_in on demo-worker-2",
        "stop (order 1): stop on demo-worker-3",
        "delete resources: delete demo-worker-3",
        "unpublish /hosts + /deleting-hosts: unpublish /hosts + /deleting-hosts of demo-worker-3",
        "reload (order 0): reload on demo-client-1",
        "remove /deleting-hosts [finally]: unpublish /deleting-hosts of demo-worker-3");
  }

  @Test
  void orderGroups_limitToFirstNodesByIndex_notByListPosition() {
    AppSpec spec = spec(r -> { });
    List<Node> nodes = List.of(
        Node.builder().id("demo-worker-10").role("worker").index(10).state(NodeState.RUNNING)
            .address("").instanceId("").cpu(1).memory(1).volumeSize(0).image("").version("3.8.4")
            .build(),
        Node.builder().id("demo-worker-2").role("worker").index(2).state(NodeState.RUNNING)
            .address("").instanceId("").cpu(1).memory(1).volumeSize(0).image("").version("3.8.4")
            .build(),
        Node.builder().id("demo-worker-7").role("worker").index(7).state(NodeState.RUNNING)
            .address("").instanceId("").cpu(1).memory(1).volumeSize(0).image("").version("3.8.4")
            .build());
    assertThat(Planner.orderGroups(spec, "scale_out", nodes, s -> true).get(0))
        .extracting(Node::id).containsExactly("demo-worker-2", "demo-worker-7");
  }

  @Test
  void reloadWatch_matchesOnPathSegments() {
    assertThat(Planner.watches(List.of(), Set.of("hosts"))).isTrue();
    assertThat(Planner.watches(List.of("/hosts"), Set.of("hosts", "adding-hosts"))).isTrue();
    assertThat(Planner.watches(List.of("/hosts/zk"), Set.of("hosts"))).isTrue();
    assertThat(Planner.watches(List.of("/env"), Set.of("hosts", "deleting-hosts"))).isFalse();
    assertThat(Planner.watches(List.of("/host"), Set.of("hosts"))).isFalse();
  }

  @Test
  void plan_rendersAsJsonThatReadsBack_andMermaidListsEveryStep() {
    Plan plan = Planner.create(cluster(spec(r -> { }), NodeState.PENDING));
    assertThat(RecordCodec.read(RecordCodec.write(plan), Plan.class)).isEqualTo(plan);
    String mermaid = plan.toMermaid();
    assertThat(mermaid).startsWith("flowchart TD\n");
    plan.steps().forEach(s -> assertThat(mermaid).contains("\"" + s.describe() + "\""));
    assertThat(mermaid.lines().filter(l -> l.contains(" --> "))).hasSize(plan.stages().size() - 1);
  }
}
