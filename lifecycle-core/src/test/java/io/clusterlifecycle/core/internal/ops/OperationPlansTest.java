package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanFixtures.cluster;
import static io.clusterlifecycle.core.internal.plan.PlanFixtures.spec;
import static io.clusterlifecycle.core.internal.plan.PlanFixtures.stages;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.codec.RecordCodec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The plans the operation classes compute. */
class OperationPlansTest {
  @Test
  void create_runsInitThenStartThenPostStartInit_eachByAscendingOrder() {
    Cluster c = cluster(spec(r -> {}), NodeState.PENDING);
    assertThat(stages(CreateOperation.plan(c)))
        .containsExactly(
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
    Cluster c = cluster(spec(r -> {}), NodeState.RUNNING);
    assertThat(stages(DeleteOperation.plan(c, false, false)))
        .containsExactly(
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
    List<String> plain = stages(DeleteOperation.plan(c, false, true));
    assertThat(plain.get(0))
        .isEqualTo(
            "destroy (guard) (order 0) [REFUSE]: destroy on"
                + " demo-worker-1, destroy on demo-worker-2, destroy on demo-worker-3");
    assertThat(plain.get(1)).startsWith("stop (order 0)");
    assertThat(plain)
        .contains(
            "delete resources: delete demo-master-1 (keep volume), delete"
                + " demo-worker-1 (keep volume), delete demo-worker-2 (keep volume), delete demo-worker-3"
                + " (keep volume), delete demo-client-1 (keep volume)");
    List<String> forced = stages(DeleteOperation.plan(c, true, false));
    assertThat(forced.get(0)).startsWith("destroy (guard) (order 0) [WARN]:");
    assertThat(forced.get(1)).startsWith("stop (order 0) [WARN]:");
  }

  @Test
  void delete_postStopDestroy_runsAfterStop() {
    Cluster c =
        cluster(
            spec(r -> r.service("destroy", s -> s.cmd("d").postStopService(true))),
            NodeState.RUNNING);
    assertThat(stages(DeleteOperation.plan(c, false, false)))
        .containsExactly(
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
    Cluster running = cluster(spec(r -> {}), NodeState.RUNNING);
    Cluster c =
        running.toBuilder()
            .putNode(
                Node.builder()
                    .id("demo-worker-4")
                    .role("worker")
                    .index(4)
                    .state(NodeState.PENDING)
                    .cpu(1)
                    .memory(1024)
                    .volumeSize(0)
                    .version("3.8.4")
                    .build())
            .putNode(
                Node.builder()
                    .id("demo-worker-5")
                    .role("worker")
                    .index(5)
                    .state(NodeState.PENDING)
                    .cpu(1)
                    .memory(1024)
                    .volumeSize(0)
                    .version("3.8.4")
                    .build())
            .build();
    assertThat(stages(AddNodesOperation.plan(c, Set.of("demo-worker-4", "demo-worker-5"))))
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
    assertThat(stages(DeleteNodesOperation.plan(c, List.of("demo-worker-3"), false)))
        .containsExactly(
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
  void plan_rendersAsJsonThatReadsBack_andMermaidListsEveryStep() {
    Plan plan = CreateOperation.plan(cluster(spec(r -> {}), NodeState.PENDING));
    assertThat(RecordCodec.read(RecordCodec.write(plan), Plan.class)).isEqualTo(plan);
    String mermaid = plan.toMermaid();
    assertThat(mermaid).startsWith("flowchart TD\n");
    plan.steps().forEach(s -> assertThat(mermaid).contains("\"" + s.describe() + "\""));
    assertThat(mermaid.lines().filter(l -> l.contains(" --> "))).hasSize(plan.stages().size() - 1);
  }
}
