package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RoleAction;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeAction;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.testkit.CommandRun;
import io.clusterlifecycle.testkit.ResourceCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Role actions on the in-memory provider (docs/design.md §6.13): every action moves the nodes it
 * names to its state (or keeps them, for snapshots), and bad requests change nothing.
 */
class RoleActionTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  static AppSpec spec() {
    return AppSpec.builder("shop", "1")
        .role(
            "db",
            r ->
                r.count(3)
                    .minNodes(1)
                    .volume(5, "/data")
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service("start", "s")
                    .service("stop", "s")
                    .service("report", "r"))
        .role("web", r -> r.count(1).service("start", "s").service("stop", "s"))
        .build();
  }

  private Cluster create() {
    return h.engine.create(CreateCluster.builder(spec(), "s").build());
  }

  private RoleAction.Builder action(NodeAction a, String... nodes) {
    return RoleAction.builder("s", "db", a).nodes(List.of(nodes)).number(3).period(Duration.ZERO);
  }

  private Map<String, NodeState> states() {
    return h.engine.get("s").nodes().stream()
        .collect(Collectors.toMap(Node::id, Node::state, (a, b) -> a, java.util.TreeMap::new));
  }

  private NodeState state(String node) {
    return h.engine.get("s").node(node).orElseThrow().state();
  }

  private boolean providerRunning(Cluster c, String node) {
    return h.resources
        .find(new NodeRef(c.id(), node))
        .toCompletableFuture()
        .join()
        .orElseThrow()
        .running();
  }

  @Test
  void holdAndRelease_takeANodeOutOfServiceAndBack_noCommandRunsOnAHeldNode() {
    create();
    h.engine.execute(action(NodeAction.HOLD, "s-db-2").build());
    assertThat(state("s-db-2")).isEqualTo(NodeState.HOLD);

    h.engine.execute(RunService.of("s", "report"));
    assertThat(h.commands.runs("report"))
        .extracting(CommandRun::nodeId)
        .containsExactlyInAnyOrder("s-db-1", "s-db-3");

    h.engine.execute(action(NodeAction.RELEASE, "s-db-2").build());
    assertThat(states()).containsValues(NodeState.RUNNING).doesNotContainValue(NodeState.HOLD);
    assertThat(h.resources.calls(ResourceCall.Method.ACT)).isEmpty();
  }

  @Test
  void providerActions_moveTheNodes_andResumeBringsThemBack() {
    Cluster c = create();
    Map<NodeAction, NodeState> leaves =
        Map.of(
            NodeAction.SUSPEND, NodeState.SUSPENDED,
            NodeAction.POWEROFF, NodeState.POWEROFF,
            NodeAction.POWEROFF_HARD, NodeState.POWEROFF,
            NodeAction.UNDEPLOY, NodeState.UNDEPLOYED,
            NodeAction.UNDEPLOY_HARD, NodeState.UNDEPLOYED,
            NodeAction.STOP, NodeState.STOPPED);
    for (var e : leaves.entrySet()) {
      h.engine.execute(action(e.getKey(), "s-db-1").build());
      assertThat(state("s-db-1")).as(e.getKey().label()).isEqualTo(e.getValue());
      assertThat(providerRunning(c, "s-db-1")).as(e.getKey().label()).isFalse();
      assertThat(h.engine.get("s").state()).isEqualTo(ClusterState.RUNNING);

      h.engine.execute(action(NodeAction.RESUME, "s-db-1").build());
      assertThat(state("s-db-1"))
          .as("resume after " + e.getKey().label())
          .isEqualTo(NodeState.RUNNING);
      assertThat(providerRunning(c, "s-db-1")).isTrue();
    }
    assertThat(states()).containsValues(NodeState.RUNNING).hasSize(4);
  }

  @Test
  void gracefulPoweroffStopsTheWorkloadFirst_andResumeBootsIt_butASuspendedNodeJustContinues() {
    create();
    int starts = h.commands.runs("start").size();
    h.engine.execute(action(NodeAction.POWEROFF, "s-db-1").build());
    h.engine.execute(action(NodeAction.POWEROFF_HARD, "s-db-2").build());
    h.engine.execute(action(NodeAction.SUSPEND, "s-db-3").build());
    assertThat(h.commands.runs("stop")).extracting(CommandRun::nodeId).containsExactly("s-db-1");

    h.engine.execute(action(NodeAction.RESUME).build());
    assertThat(h.commands.runs("start").subList(starts, h.commands.runs("start").size()))
        .extracting(CommandRun::nodeId)
        .containsExactlyInAnyOrder("s-db-1", "s-db-2");
    assertThat(states()).containsValues(NodeState.RUNNING).doesNotContainValue(NodeState.POWEROFF);
    assertThat(h.engine.checkHealth("s").state()).isEqualTo(ClusterState.RUNNING);
  }

  @Test
  void aNodeSuspendedOnPurpose_isNotJudgedUnhealthy() {
    create();
    h.engine.execute(action(NodeAction.SUSPEND, "s-db-1").build());
    assertThat(h.engine.checkHealth("s").state()).isEqualTo(ClusterState.RUNNING);
    assertThat(h.engine.get("s").node("s-db-1").orElseThrow().problem()).isEmpty();
  }

  @Test
  void rebootStopsAndStartsTheInstances_hardToo() {
    create();
    h.engine.execute(action(NodeAction.REBOOT).build());
    h.engine.execute(action(NodeAction.REBOOT_HARD, "s-db-3").build());

    assertThat(h.resources.calls(ResourceCall.Method.STOP))
        .extracting(ResourceCall::nodeId)
        .containsExactly("s-db-1", "s-db-2", "s-db-3", "s-db-3");
    assertThat(h.resources.calls(ResourceCall.Method.START)).hasSize(4);
    assertThat(states()).doesNotContainValue(NodeState.STOPPED);
  }

  @Test
  void snapshots_andDiskSnapshots_areCreatedRevertedAndDeleted_aRunningNodeStoppedForTheRevert() {
    Cluster c = create();
    NodeRef db1 = new NodeRef(c.id(), "s-db-1");
    h.engine.execute(action(NodeAction.SNAPSHOT_CREATE, "s-db-1").snapshot("before").build());
    h.engine.execute(action(NodeAction.DISK_SNAPSHOT_CREATE, "s-db-1").snapshot("d1").build());
    assertThat(h.resources.snapshots(db1)).containsExactly("before");
    assertThat(h.resources.diskSnapshots(db1)).containsExactly("d1");

    int stops = h.resources.calls(ResourceCall.Method.STOP).size();
    h.engine.execute(action(NodeAction.SNAPSHOT_REVERT, "s-db-1").snapshot("before").build());
    h.engine.execute(action(NodeAction.DISK_SNAPSHOT_REVERT, "s-db-1").snapshot("d1").build());
    assertThat(h.resources.calls(ResourceCall.Method.STOP)).hasSize(stops + 2);
    assertThat(state("s-db-1")).isEqualTo(NodeState.RUNNING);

    h.engine.execute(action(NodeAction.SNAPSHOT_DELETE, "s-db-1").snapshot("before").build());
    h.engine.execute(action(NodeAction.DISK_SNAPSHOT_DELETE, "s-db-1").snapshot("d1").build());
    assertThat(h.resources.snapshots(db1)).isEmpty();
    assertThat(h.resources.diskSnapshots(db1)).isEmpty();
    assertThat(h.events.events(EventType.NODE_ACTED))
        .extracting(e -> e.message().orElse(""))
        .contains("snapshot-create before s-db-1", "disk-snapshot-delete d1 s-db-1");
  }

  @Test
  void terminate_deletesTheNodesAsDeleteNodesDoes_hardToo() {
    create();
    h.engine.execute(
        RoleAction.builder("s", "db", NodeAction.TERMINATE).nodes(List.of("s-db-3")).build());
    h.engine.execute(
        RoleAction.builder("s", "db", NodeAction.TERMINATE_HARD).nodes(List.of("s-db-2")).build());
    assertThat(h.engine.get("s").nodes("db")).extracting(Node::id).containsExactly("s-db-1");
    assertThat(h.commands.runs("stop")).extracting(CommandRun::nodeId).contains("s-db-3", "s-db-2");
    assertThatThrownBy(
            () ->
                h.engine.execute(
                    RoleAction.builder("s", "db", NodeAction.TERMINATE)
                        .nodes(List.of("s-db-1"))
                        .build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("under its min_nodes of 1");
  }

  @Test
  void badRequests_areRefusedNamingTheThing_andChangeNothing() {
    Cluster c = create();
    long version = h.engine.get("s").version();
    assertThatThrownBy(() -> NodeAction.parse("explode"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown action 'explode'")
        .hasMessageContaining("poweroff-hard");
    assertThatThrownBy(() -> h.engine.execute(action(NodeAction.SUSPEND, "s-web-1").build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("node s-web-1 is of role web, not db");
    assertThatThrownBy(() -> h.engine.execute(action(NodeAction.SUSPEND, "s-db-9").build()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> h.engine.execute(action(NodeAction.SUSPEND).number(0).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("must be at least 1, was 0");
    assertThatThrownBy(
            () ->
                h.engine.execute(action(NodeAction.SUSPEND).period(Duration.ofSeconds(-1)).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("period");
    assertThatThrownBy(() -> h.engine.execute(action(NodeAction.SNAPSHOT_CREATE).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("snapshot-create needs a snapshot name");
    assertThatThrownBy(() -> h.engine.execute(action(NodeAction.RESUME, "s-db-1").build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("node s-db-1 is RUNNING; resume applies to");
    try (var bare = h.engine(b -> b.resourceProvider(new WithoutActions(h.resources)))) {
      assertThatThrownBy(() -> bare.execute(action(NodeAction.SUSPEND).build()))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("does not support suspend");
    }
    assertThat(h.engine.get("s").version()).isEqualTo(version);
    assertThat(h.engine.operations(c.id())).hasSize(1);
    assertThat(h.resources.calls(ResourceCall.Method.ACT)).isEmpty();
  }

  /** A provider that declares no actions, over the in-memory one. */
  private record WithoutActions(io.clusterlifecycle.api.spi.ResourceProvider d)
      implements io.clusterlifecycle.api.spi.ResourceProvider {
    @Override
    public java.util.concurrent.CompletionStage<io.clusterlifecycle.api.spi.NodeResource> create(
        io.clusterlifecycle.api.spi.NodeSpec node) {
      return d.create(node);
    }

    @Override
    public java.util.concurrent.CompletionStage<
            java.util.Optional<io.clusterlifecycle.api.spi.NodeResource>>
        find(NodeRef node) {
      return d.find(node);
    }

    @Override
    public java.util.concurrent.CompletionStage<List<io.clusterlifecycle.api.spi.NodeResource>>
        list(String clusterId) {
      return d.list(clusterId);
    }

    @Override
    public java.util.concurrent.CompletionStage<io.clusterlifecycle.api.spi.NodeResource> start(
        NodeRef node) {
      return d.start(node);
    }

    @Override
    public java.util.concurrent.CompletionStage<io.clusterlifecycle.api.spi.NodeResource> stop(
        NodeRef node) {
      return d.stop(node);
    }

    @Override
    public java.util.concurrent.CompletionStage<io.clusterlifecycle.api.spi.NodeResource> resize(
        NodeRef node, int cpu, int memory, int volumeSize) {
      return d.resize(node, cpu, memory, volumeSize);
    }

    @Override
    public java.util.concurrent.CompletionStage<io.clusterlifecycle.api.spi.NodeResource>
        replaceImage(NodeRef node, String image) {
      return d.replaceImage(node, image);
    }

    @Override
    public java.util.concurrent.CompletionStage<java.util.Optional<String>> delete(
        NodeRef node, boolean keepVolume) {
      return d.delete(node, keepVolume);
    }
  }
}
