package io.clusterlifecycle.core.internal.plan;

import static io.clusterlifecycle.core.internal.plan.PlanFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.NodeState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
  @Test
  void orderGroups_limitToFirstNodesByIndex_notByListPosition() {
    AppSpec spec = spec(r -> {});
    List<Node> nodes =
        List.of(
            Node.builder()
                .id("demo-worker-10")
                .role("worker")
                .index(10)
                .state(NodeState.RUNNING)
                .address("")
                .instanceId("")
                .cpu(1)
                .memory(1)
                .volumeSize(0)
                .image("")
                .version("3.8.4")
                .build(),
            Node.builder()
                .id("demo-worker-2")
                .role("worker")
                .index(2)
                .state(NodeState.RUNNING)
                .address("")
                .instanceId("")
                .cpu(1)
                .memory(1)
                .volumeSize(0)
                .image("")
                .version("3.8.4")
                .build(),
            Node.builder()
                .id("demo-worker-7")
                .role("worker")
                .index(7)
                .state(NodeState.RUNNING)
                .address("")
                .instanceId("")
                .cpu(1)
                .memory(1)
                .volumeSize(0)
                .image("")
                .version("3.8.4")
                .build());
    assertThat(Planner.orderGroups(spec, "scale_out", nodes, s -> true).get(0))
        .extracting(Node::id)
        .containsExactly("demo-worker-2", "demo-worker-7");
  }

  @Test
  void reloadWatch_matchesOnPathSegments() {
    assertThat(Planner.watches(List.of(), Set.of("hosts"))).isTrue();
    assertThat(Planner.watches(List.of("/hosts"), Set.of("hosts", "adding-hosts"))).isTrue();
    assertThat(Planner.watches(List.of("/hosts/zk"), Set.of("hosts"))).isTrue();
    assertThat(Planner.watches(List.of("/env"), Set.of("hosts", "deleting-hosts"))).isFalse();
    assertThat(Planner.watches(List.of("/host"), Set.of("hosts"))).isFalse();
  }
}
