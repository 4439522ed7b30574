package io.clusterlifecycle.core.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.core.internal.plan.PlanFixtures;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandEnvironmentTest {
  private final CommandEnvironment environment = new CommandEnvironment("op-1");

  @Test
  void eachCommand_getsTheClusterServiceAndOperation_andItsOwnNode() {
    Cluster c = PlanFixtures.cluster(PlanFixtures.spec(w -> {}), NodeState.RUNNING);
    Node worker = c.node("demo-worker-2").orElseThrow();

    Map<String, String> env = environment.of(c, worker, "start");

    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry(CommandRequest.LC_CLUSTER_ID, "c1"),
                Map.entry(CommandRequest.LC_CLUSTER_NAME, "demo"),
                Map.entry(CommandRequest.LC_SERVICE, "start"),
                Map.entry(CommandRequest.LC_OPERATION_ID, "op-1"),
                Map.entry(CommandRequest.LC_APP_VERSION, c.spec().version()),
                Map.entry(CommandRequest.LC_ROLE, "worker"),
                Map.entry(CommandRequest.LC_NODE_ID, "demo-worker-2"),
                Map.entry(CommandRequest.LC_NODE_IP, "10.0.0.2"),
                Map.entry(CommandRequest.LC_NODE_CPU, "1"),
                Map.entry(CommandRequest.LC_NODE_MEMORY, "1024"),
                Map.entry(CommandRequest.LC_NODE_VOLUME_SIZE, "0")));
    assertThat(environment.of(c, c.node("demo-worker-3").orElseThrow(), "stop"))
        .containsEntry(CommandRequest.LC_SERVICE, "stop")
        .containsEntry(CommandRequest.LC_NODE_ID, "demo-worker-3");
  }

  @Test
  void aNodeStillOnThePreviousVersion_getsThatVersion() {
    Cluster before = PlanFixtures.cluster(PlanFixtures.spec(w -> {}), NodeState.RUNNING);
    AppSpec next = before.spec().toBuilder().version("9.9").build();
    Cluster upgrading =
        before.toBuilder()
            .previousSpec(Optional.of(before.spec()))
            .spec(next)
            .putNode(before.node("demo-worker-1").orElseThrow().toBuilder().version("9.9").build())
            .putNode(
                before.node("demo-worker-2").orElseThrow().toBuilder()
                    .version(before.spec().version())
                    .build())
            .build();

    assertThat(environment.of(upgrading, upgrading.node("demo-worker-1").orElseThrow(), "start"))
        .containsEntry(CommandRequest.LC_APP_VERSION, "9.9");
    assertThat(environment.of(upgrading, upgrading.node("demo-worker-2").orElseThrow(), "start"))
        .containsEntry(CommandRequest.LC_APP_VERSION, before.spec().version());
  }

  @Test
  void theEnvironment_isKeptByTheRequestAsItIs_notCopied() {
    Cluster c = PlanFixtures.cluster(PlanFixtures.spec(w -> {}), NodeState.RUNNING);
    Node node = c.nodes().get(0);
    Map<String, String> env = environment.of(c, node, "start");

    CommandRequest request =
        CommandRequest.builder()
            .node(NodeResources.of(c.id(), node))
            .service("start")
            .script("s")
            .environment(env)
            .timeout(Duration.ofSeconds(1))
            .runKey("op-1/s1")
            .build();

    assertThat(request.environment()).isSameAs(env);
  }
}
