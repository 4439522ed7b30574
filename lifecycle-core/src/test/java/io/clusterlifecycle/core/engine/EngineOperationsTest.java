package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.AddRole;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Promote;
import io.clusterlifecycle.api.request.RemoveRole;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.Rollback;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.codec.RecordCodec;
import io.clusterlifecycle.testkit.CommandRun;
import io.clusterlifecycle.testkit.ResourceCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every branch of docs/design.md §6.5–§6.11, asserted on the exact stages and what happened in
 * each.
 */
class EngineOperationsTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  /**
   * master (order 0, no volume), worker (order 1, 3 nodes, volume), client (order 2, reload); every
   * script names the version, so a test can tell which spec a command ran from.
   */
  static AppSpec spec(String version, Consumer<RoleSpec.Builder> worker) {
    String v = version.replace(".", "");
    return AppSpec.builder("hadoop", version)
        .role(
            "master",
            r ->
                r.count(1)
                    .image("master:" + version)
                    .service("init", "i" + v)
                    .service("start", s -> s.cmd("s" + v).order(0))
                    .service("stop", s -> s.cmd("x" + v).order(2)))
        .role(
            "worker",
            r ->
                worker.accept(
                    r.count(3)
                        .cpu(2)
                        .memory(2048)
                        .volume(10, "/data")
                        .image("worker:" + version)
                        .service("start", s -> s.cmd("s" + v).order(1))
                        .service("stop", s -> s.cmd("x" + v).order(1))))
        .role(
            "client",
            r ->
                r.count(1)
                    .minNodes(0)
                    .service("start", s -> s.cmd("s" + v).order(2))
                    .service("stop", s -> s.cmd("x" + v).order(0))
                    .service("reload", s -> s.cmd("r" + v)))
        .build();
  }

  Cluster create(AppSpec spec) {
    return h.engine.create(CreateCluster.builder(spec, "demo").build());
  }

  private String root(Cluster c) {
    return "/clusters/" + c.id();
  }

  private Cluster run(OperationRequest request) {
    return h.engine.get(h.engine.execute(request).clusterId());
  }

  private void assertUnchanged(Cluster before) {
    Cluster now = h.engine.get(before.id());
    assertThat(now.version()).isEqualTo(before.version());
    assertThat(now.history()).isEqualTo(before.history());
  }

  // ---------------------------------------------------------------- vertical scaling
  // (docs/design.md §6.5)

  @Test
  void scaleVertical_sequential_stopsResizesStartsOneNodeAtATime() {
    Cluster c =
        create(
            spec(
                "1.0",
                r ->
                    r.verticalScalingPolicy(ExecutionPolicy.SEQUENTIAL)
                        .advancedActions(
                            io.clusterlifecycle.api.spec.AdvancedAction.SCALE_HORIZONTAL)));
    Cluster after = run(ScaleVertical.of("demo", RoleResize.of("worker").cpu(4).memory(8192)));
    assertThat(h.stages())
        .containsExactly(
            "publish /vertical-scaling-roles: put",
            "demo-worker-1: stop (order 1): stop@demo-worker-1=0",
            "demo-worker-1: resize: resize:demo-worker-1",
            "demo-worker-1: start (order 1): start@demo-worker-1=0",
            "demo-worker-2: stop (order 1): stop@demo-worker-2=0",
            "demo-worker-2: resize: resize:demo-worker-2",
            "demo-worker-2: start (order 1): start@demo-worker-2=0",
            "demo-worker-3: stop (order 1): stop@demo-worker-3=0",
            "demo-worker-3: resize: resize:demo-worker-3",
            "demo-worker-3: start (order 1): start@demo-worker-3=0",
            "publish /hosts: put",
            "remove /vertical-scaling-roles: del",
            "reload (order 0): reload@demo-client-1=0");
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes("worker"))
        .allSatisfy(
            n -> {
              assertThat(n.cpu()).isEqualTo(4);
              assertThat(n.memory()).isEqualTo(8192);
              assertThat(n.volumeSize()).isEqualTo(10);
            });
    assertThat(after.spec().role("worker").orElseThrow().cpu()).isEqualTo(4);
    assertThat(h.resources.resource(new NodeRef(c.id(), "demo-worker-2")).orElseThrow())
        .extracting(NodeResource::cpu, NodeResource::memory)
        .containsExactly(4, 8192);
    assertThat(h.metadata.value(root(c) + "/hosts/worker/demo-worker-2/cpu")).contains("4");
    // the start after its resize sees the node's new size in its environment
    assertThat(lastOperationRuns())
        .filteredOn(r -> r.service().equals("start"))
        .allSatisfy(
            r ->
                assertThat(r.environment())
                    .containsEntry("LC_NODE_CPU", "4")
                    .containsEntry("LC_NODE_MEMORY", "8192")
                    .containsEntry("LC_NODE_VOLUME_SIZE", "10"));
    assertThat(h.metadata.snapshot().keySet()).noneMatch(k -> k.contains("vertical-scaling"));
    // a node added later gets the new size
    assertThat(
            h.engine
                .addNodes(io.clusterlifecycle.api.request.AddNodes.of("demo", "worker", 1))
                .node("demo-worker-4")
                .orElseThrow())
        .extracting(Node::cpu, Node::memory)
        .containsExactly(4, 8192);
  }

  @Test
  void scaleVertical_parallel_stopsAllThenResizesAllThenStartsAll_andPublishesTheRole() {
    Cluster c = create(spec("1.0", r -> {}));
    List<MetadataChange> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    h.metadata.watch(root(c) + "/vertical-scaling-roles", seen::add);
    run(ScaleVertical.of("demo", RoleResize.of("worker").memory(4096)));
    assertThat(h.stages())
        .containsExactly(
            "publish /vertical-scaling-roles: put",
            "worker: stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "worker: resize: resize:demo-worker-1 resize:demo-worker-2 resize:demo-worker-3",
            "worker: start (order 1): start@demo-worker-1=0 start@demo-worker-2=0"
                + " start@demo-worker-3=0",
            "publish /hosts: put",
            "remove /vertical-scaling-roles: del",
            "reload (order 0): reload@demo-client-1=0");
    // one change while the role is resized, one when it is done
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).puts())
        .containsExactly(
            Map.entry(
                root(c) + "/vertical-scaling-roles/worker",
                "demo-worker-1,demo-worker-2,demo-worker-3"));
    assertThat(seen.get(1).deletePrefixes())
        .containsExactly(root(c) + "/vertical-scaling-roles/worker");
  }

  @Test
  void scaleVertical_volumeOnly_resizesOnlineWithoutAnyStopOrStart() {
    Cluster c = create(spec("1.0", r -> {}));
    Cluster after = run(ScaleVertical.of("demo", RoleResize.of("worker").volumeSize(50)));
    assertThat(h.stages())
        .containsExactly(
            "publish /vertical-scaling-roles: put",
            "worker: resize volumes: resize:demo-worker-1 resize:demo-worker-2 resize:demo-worker-3",
            "publish /hosts: put",
            "remove /vertical-scaling-roles: del",
            "reload (order 0): reload@demo-client-1=0");
    assertThat(after.nodes("worker")).extracting(Node::volumeSize).containsOnly(50);
    assertThat(after.nodes("worker")).extracting(Node::cpu).containsOnly(2);
    assertThat(h.metadata.value(root(c) + "/hosts/worker/demo-worker-3/volume_size"))
        .contains("50");
  }

  @Test
  void scaleVertical_roleWithoutStop_stopsTheOtherRolesAroundTheResize() {
    Cluster c =
        create(
            AppSpec.builder("kv", "1.0")
                .role("store", r -> r.count(2).service("start", "s"))
                .role("proxy", r -> r.count(1).service("start", "s").service("stop", "x"))
                .build());
    run(ScaleVertical.of("demo", RoleResize.of("store").cpu(8)));
    assertThat(h.stages())
        .containsExactly(
            "publish /vertical-scaling-roles: put",
            "store: stop other roles (order 0): stop@demo-proxy-1=0",
            "store: resize: resize:demo-store-1 resize:demo-store-2",
            "store: start other roles (order 0): start@demo-proxy-1=0",
            "publish /hosts: put",
            "remove /vertical-scaling-roles: del");
    assertThat(h.engine.get(c.id()).nodes("store")).extracting(Node::cpu).containsOnly(8);
  }

  @Test
  void scaleVertical_injectedResizeFailure_failsScaling_andRemovesVerticalScalingRoles() {
    Cluster c = create(spec("1.0", r -> r.verticalScalingPolicy(ExecutionPolicy.SEQUENTIAL)));
    h.resources.fail(
        ResourceCall.Method.RESIZE,
        ref -> ref.nodeId().equals("demo-worker-2"),
        new IllegalStateException("no capacity on host"));
    assertThatThrownBy(() -> run(ScaleVertical.of("demo", RoleResize.of("worker").cpu(4))))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("no capacity on host");
    assertThat(h.stages())
        .containsExactly(
            "publish /vertical-scaling-roles: put",
            "demo-worker-1: stop (order 1): stop@demo-worker-1=0",
            "demo-worker-1: resize: resize:demo-worker-1",
            "demo-worker-1: start (order 1): start@demo-worker-1=0",
            "demo-worker-2: stop (order 1): stop@demo-worker-2=0",
            "demo-worker-2: resize:  !",
            "remove /vertical-scaling-roles: del");
    Cluster after = h.engine.get(c.id());
    assertThat(after.state()).isEqualTo(ClusterState.FAILED_SCALING);
    assertThat(after.node("demo-worker-1").orElseThrow().cpu()).isEqualTo(4);
    assertThat(after.node("demo-worker-2").orElseThrow().cpu()).isEqualTo(2);
    assertThat(h.metadata.snapshot().keySet()).noneMatch(k -> k.contains("vertical-scaling"));
  }

  @Test
  void scaleVertical_badInput_isRefusedBeforeAnythingChanges() {
    Cluster c = create(spec("1.0", r -> {}));
    assertThatThrownBy(() -> run(ScaleVertical.of("demo", RoleResize.of("ghost").cpu(2))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no role 'ghost'");
    assertThatThrownBy(
            () -> run(ScaleVertical.of("demo", RoleResize.of("worker").cpu(0).memory(-1))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("roles[0].cpu: must be between 1")
        .hasMessageContaining("roles[0].memory: must be between 1");
    assertThatThrownBy(() -> run(ScaleVertical.of("demo", RoleResize.of("worker").volumeSize(5))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("volumes only grow");
    assertThatThrownBy(() -> run(ScaleVertical.of("demo", RoleResize.of("master").volumeSize(5))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("has no volume");
    assertThatThrownBy(() -> run(ScaleVertical.of("demo", RoleResize.of("worker").cpu(2))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("nothing to change");
    assertThatThrownBy(() -> run(ScaleVertical.of("demo")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("name at least one role");
    assertUnchanged(c);
    assertThat(h.resources.calls(ResourceCall.Method.RESIZE)).isEmpty();
  }

  // ---------------------------------------------------------------- upgrade and rollback
  // (docs/design.md §6.6)

  private static Consumer<RoleSpec.Builder> upgrading(String version) {
    String v = version.replace(".", "");
    return r -> r.service("upgrade", s -> s.cmd("u" + v).postStartService(true));
  }

  @Test
  void upgrade_parallel_stopsReimagesReloadsStartsThenUpgrades_withTheNewScripts() {
    Cluster c = create(spec("1.0", upgrading("1.0")));
    Cluster after = run(Upgrade.of("demo", spec("2.0", upgrading("2.0"))));
    assertThat(h.stages())
        .containsExactly(
            "stop (order 0): stop@demo-client-1=0",
            "stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "stop (order 2): stop@demo-master-1=0",
            "replace images: image:demo-client-1 image:demo-master-1 image:demo-worker-1"
                + " image:demo-worker-2 image:demo-worker-3",
            "reload (order 0): reload@demo-client-1=0",
            "start (order 0): start@demo-master-1=0",
            "start (order 1): start@demo-worker-1=0 start@demo-worker-2=0 start@demo-worker-3=0",
            "start (order 2): start@demo-client-1=0",
            "upgrade (post-start) (order 0): upgrade@demo-worker-1=0 upgrade@demo-worker-2=0"
                + " upgrade@demo-worker-3=0",
            "publish /cluster: put",
            "reload (order 0): reload@demo-client-1=0");
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.spec().version()).isEqualTo("2.0");
    assertThat(after.previousSpec()).map(AppSpec::version).contains("1.0");
    assertThat(after.nodes()).extracting(Node::version).containsOnly(Optional.of("2.0"));
    assertThat(after.node("demo-worker-1").orElseThrow().image()).contains("worker:2.0");
    assertThat(h.metadata.value(root(c) + "/cluster/app_version")).contains("2.0");
    List<CommandRun> runs = lastOperationRuns();
    assertThat(runs)
        .filteredOn(r -> r.service().equals("stop"))
        .extracting(CommandRun::script)
        .containsOnly("x10");
    assertThat(runs)
        .filteredOn(r -> r.service().equals("start"))
        .extracting(CommandRun::script)
        .containsOnly("s20");
    assertThat(runs)
        .filteredOn(r -> r.service().equals("upgrade"))
        .allSatisfy(r -> assertThat(r.environment()).containsEntry("LC_APP_VERSION", "2.0"));
  }

  @Test
  void upgrade_sequential_goesNodeByNode_withPreStartUpgradeBeforeStart() {
    create(
        spec(
            "1.0",
            upgrading("1.0")
                .andThen(
                    r ->
                        r.upgradingPolicy(ExecutionPolicy.SEQUENTIAL)
                            .service("upgrade", s -> s.cmd("u10")))));
    run(
        Upgrade.of(
            "demo",
            spec(
                "2.0",
                r ->
                    r.upgradingPolicy(ExecutionPolicy.SEQUENTIAL)
                        .service("upgrade", s -> s.cmd("u20")))));
    assertThat(h.stages())
        .containsExactly(
            "parallel roles: stop (order 0): stop@demo-client-1=0",
            "parallel roles: stop (order 2): stop@demo-master-1=0",
            "parallel roles: replace images: image:demo-client-1 image:demo-master-1",
            "parallel roles: reload (order 0): reload@demo-client-1=0",
            "parallel roles: start (order 0): start@demo-master-1=0",
            "parallel roles: start (order 2): start@demo-client-1=0",
            "demo-worker-1: stop (order 1): stop@demo-worker-1=0",
            "demo-worker-1: replace images: image:demo-worker-1",
            "demo-worker-1: upgrade (order 0): upgrade@demo-worker-1=0",
            "demo-worker-1: start (order 1): start@demo-worker-1=0",
            "demo-worker-2: stop (order 1): stop@demo-worker-2=0",
            "demo-worker-2: replace images: image:demo-worker-2",
            "demo-worker-2: upgrade (order 0): upgrade@demo-worker-2=0",
            "demo-worker-2: start (order 1): start@demo-worker-2=0",
            "demo-worker-3: stop (order 1): stop@demo-worker-3=0",
            "demo-worker-3: replace images: image:demo-worker-3",
            "demo-worker-3: upgrade (order 0): upgrade@demo-worker-3=0",
            "demo-worker-3: start (order 1): start@demo-worker-3=0",
            "publish /cluster: put",
            "reload (order 0): reload@demo-client-1=0");
  }

  @Test
  void upgrade_failingOnOneNode_endsFailedUpdating_andRollbackReturnsEveryNodeToTheOldVersion() {
    Cluster c = create(spec("1.0", upgrading("1.0")));
    h.commands.on("upgrade").forNode("demo-worker-2").exit(7);
    assertThatThrownBy(() -> run(Upgrade.of("demo", spec("2.0", upgrading("2.0")))))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("upgrade on demo-worker-2 exited with 7");
    Cluster failed = h.engine.get(c.id());
    assertThat(failed.state()).isEqualTo(ClusterState.FAILED_UPDATING);
    assertThat(failed.nodes()).extracting(Node::version).containsOnly(Optional.of("2.0"));

    Cluster back = run(Rollback.of("demo"));
    assertThat(h.stages())
        .containsExactly(
            "stop (order 0): stop@demo-client-1=0",
            "stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "stop (order 2): stop@demo-master-1=0",
            "replace images: image:demo-client-1 image:demo-master-1 image:demo-worker-1"
                + " image:demo-worker-2 image:demo-worker-3",
            "reload (order 0): reload@demo-client-1=0",
            "start (order 0): start@demo-master-1=0",
            "start (order 1): start@demo-worker-1=0 start@demo-worker-2=0 start@demo-worker-3=0",
            "start (order 2): start@demo-client-1=0",
            "publish /cluster: put",
            "reload (order 0): reload@demo-client-1=0");
    assertThat(back.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(back.spec().version()).isEqualTo("1.0");
    assertThat(back.nodes()).extracting(Node::version).containsOnly(Optional.of("1.0"));
    assertThat(back.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThat(back.node("demo-worker-2").orElseThrow().image()).contains("worker:1.0");
    List<CommandRun> rollback = lastOperationRuns();
    assertThat(rollback)
        .filteredOn(r -> r.service().equals("stop"))
        .extracting(CommandRun::script)
        .containsOnly("x20");
    assertThat(rollback)
        .filteredOn(r -> r.service().equals("start"))
        .extracting(CommandRun::script)
        .containsOnly("s10");
    assertThat(h.metadata.value(root(c) + "/cluster/app_version")).contains("1.0");
  }

  @Test
  void rollback_afterAnImageReplacementThatFailedButTookEffect_reimagesThatNodeToo() {
    Cluster c = create(spec("1.0", r -> {}));
    NodeRef worker2 = new NodeRef(c.id(), "demo-worker-2");
    // the provider replaced the image but the call failed (a reply lost, a call abandoned by a
    // cancel that went through later): the record still says 1.0
    h.resources.replaceImage(worker2, "worker:2.0").join();
    h.resources
        .fail(
            ResourceCall.Method.REPLACE_IMAGE,
            n -> n.nodeId().equals("demo-worker-2"),
            new IllegalStateException("no reply from the hypervisor"))
        .times(1);
    assertThatThrownBy(() -> run(Upgrade.of("demo", spec("2.0", r -> {}))))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("no reply from the hypervisor");
    Cluster failed = h.engine.get(c.id());
    assertThat(failed.state()).isEqualTo(ClusterState.FAILED_UPDATING);
    assertThat(failed.node("demo-worker-2").orElseThrow().version()).contains("1.0");

    Cluster back = run(Rollback.of("demo"));

    assertThat(h.stages())
        .anyMatch(s -> s.startsWith("replace images:") && s.contains("image:demo-worker-2"));
    assertThat(back.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(back.nodes()).extracting(Node::version).containsOnly(Optional.of("1.0"));
    assertThat(h.resources.resources(c.id()))
        .flatExtracting(r -> r.image().stream().toList())
        .containsExactlyInAnyOrder("master:1.0", "worker:1.0", "worker:1.0", "worker:1.0");
  }

  @Test
  void upgrade_withAutomaticRollback_failsButLeavesTheClusterRunningTheOldVersion() {
    Cluster c = create(spec("1.0", upgrading("1.0")));
    h.commands.on("upgrade").forNode("demo-worker-1").exit(1);
    assertThatThrownBy(
            () -> run(Upgrade.of("demo", spec("2.0", upgrading("2.0"))).withAutoRollback()))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("upgrade on demo-worker-1 exited with 1");
    Cluster after = h.engine.get(c.id());
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes()).extracting(Node::version).containsOnly(Optional.of("1.0"));
    assertThat(h.engine.operations(c.id()))
        .extracting(o -> o.type().name())
        .containsExactly("CREATE", "UPGRADE", "ROLLBACK");
  }

  @Test
  void upgrade_ofAStoppedCluster_replacesImagesOnly_andStaysStopped() {
    Cluster c = create(spec("1.0", r -> {}));
    run(StopCluster.of("demo"));
    int before = h.commands.runs().size();
    Cluster after = run(Upgrade.of("demo", spec("2.0", r -> {})));
    assertThat(h.stages())
        .containsExactly(
            "replace images: image:demo-client-1 image:demo-master-1 image:demo-worker-1"
                + " image:demo-worker-2 image:demo-worker-3",
            "publish /cluster: put");
    assertThat(h.commands.runs()).hasSize(before);
    assertThat(after.state()).isEqualTo(ClusterState.STOPPED);
    assertThat(after.nodes()).extracting(Node::state).containsOnly(NodeState.STOPPED);
    assertThat(after.nodes()).extracting(Node::version).containsOnly(Optional.of("2.0"));
    Cluster started = run(StartCluster.of("demo"));
    assertThat(started.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(lastOperationRuns())
        .filteredOn(r -> r.service().equals("start"))
        .extracting(CommandRun::script)
        .containsOnly("s20");
    assertThat(c.id()).isEqualTo(started.id());
  }

  @Test
  void upgrade_afterAFailedUpgradeOfAStoppedCluster_reimagesTheStoppedNodes_andStaysStopped() {
    create(spec("1.0", r -> {}));
    run(StopCluster.of("demo"));
    h.resources
        .fail(
            ResourceCall.Method.REPLACE_IMAGE,
            n -> n.nodeId().equals("demo-worker-2"),
            new IllegalStateException("image store unreachable"))
        .times(1);
    assertThatThrownBy(() -> run(Upgrade.of("demo", spec("2.0", r -> {}))))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("image store unreachable");
    Cluster failed = h.engine.get("demo");
    assertThat(failed.state()).isEqualTo(ClusterState.FAILED_UPDATING);
    assertThat(failed.node("demo-worker-2").orElseThrow().version()).contains("1.0");
    int before = h.commands.runs().size();

    Cluster after = run(Upgrade.of("demo", spec("3.0", r -> {})));

    assertThat(h.stages())
        .containsExactly(
            "stopped nodes: replace images: image:demo-client-1 image:demo-master-1"
                + " image:demo-worker-1 image:demo-worker-2 image:demo-worker-3",
            "publish /cluster: put");
    assertThat(h.commands.runs()).hasSize(before);
    assertThat(after.state()).isEqualTo(ClusterState.STOPPED);
    assertThat(after.nodes()).extracting(Node::state).containsOnly(NodeState.STOPPED);
    assertThat(after.nodes()).extracting(Node::version).containsOnly(Optional.of("3.0"));
    // the client role has no image of its own
    assertThat(h.resources.resources(after.id()))
        .flatExtracting(r -> r.image().stream().toList())
        .containsExactlyInAnyOrder("master:3.0", "worker:3.0", "worker:3.0", "worker:3.0");
  }

  @Test
  void upgrade_afterAFailedStop_reimagesTheStoppedNodes_andUpgradesTheRunningOnes() {
    create(spec("1.0", r -> {}));
    h.resources
        .fail(
            ResourceCall.Method.STOP,
            n -> n.nodeId().equals("demo-worker-2"),
            new IllegalStateException("hypervisor busy"))
        .times(1);
    assertThatThrownBy(() -> run(StopCluster.of("demo")))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("hypervisor busy");
    Cluster failed = h.engine.get("demo");
    assertThat(failed.state()).isEqualTo(ClusterState.FAILED_UPDATING);
    assertThat(failed.node("demo-worker-2").orElseThrow().state()).isEqualTo(NodeState.RUNNING);
    assertThat(failed.nodes()).filteredOn(n -> n.state() == NodeState.STOPPED).hasSize(4);

    Cluster after = run(Upgrade.of("demo", spec("2.0", r -> {})));

    assertThat(h.stages())
        .startsWith(
            "stopped nodes: replace images: image:demo-client-1 image:demo-master-1"
                + " image:demo-worker-1 image:demo-worker-3")
        .contains("replace images: image:demo-worker-2");
    assertThat(after.nodes()).extracting(Node::version).containsOnly(Optional.of("2.0"));
    assertThat(after.node("demo-worker-2").orElseThrow().state()).isEqualTo(NodeState.RUNNING);
    assertThat(after.nodes()).filteredOn(n -> n.state() == NodeState.STOPPED).hasSize(4);
    assertThat(lastOperationRuns())
        .filteredOn(r -> r.service().equals("start"))
        .extracting(CommandRun::nodeId)
        .containsOnly("demo-worker-2");
  }

  @Test
  void upgrade_badInput_isRefusedBeforeAnythingChanges() {
    Cluster c = create(spec("1.0", r -> {}));
    AppSpec other =
        AppSpec.builder("kafka", "2.0").role("broker", r -> r.service("start", "s")).build();
    assertThatThrownBy(() -> run(Upgrade.of("demo", other)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("versions of app hadoop");
    assertThatThrownBy(() -> run(Upgrade.of("demo", spec("1.0", r -> {}))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("already runs version 1.0");
    AppSpec fewerRoles =
        AppSpec.builder("hadoop", "2.0").role("master", r -> r.service("start", "s")).build();
    assertThatThrownBy(() -> run(Upgrade.of("demo", fewerRoles)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("add-role and remove-role");
    assertThatThrownBy(() -> run(Rollback.of("demo")))
        .isInstanceOf(IllegalStateTransitionException.class)
        .hasMessageContaining("never upgraded");
    assertUnchanged(c);
  }

  // ---------------------------------------------------------------- stop, start, restart
  // (docs/design.md §6.7)

  @Test
  void stop_afterAFailedStart_alsoStopsTheInstancesRecordedStopped() {
    Cluster c = create(spec("1.0", r -> {}));
    run(StopCluster.of("demo"));
    NodeRef worker2 = new NodeRef(c.id(), "demo-worker-2");
    h.resources
        .fail(
            ResourceCall.Method.START,
            n -> n.nodeId().equals("demo-worker-2"),
            new IllegalStateException("no reply from the hypervisor"))
        .times(1);
    assertThatThrownBy(() -> run(StartCluster.of("demo")))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("no reply from the hypervisor");
    assertThat(h.engine.get(c.id()).state()).isEqualTo(ClusterState.FAILED_UPDATING);
    assertThat(h.engine.get(c.id()).node("demo-worker-2").orElseThrow().state())
        .isEqualTo(NodeState.STOPPED);
    // the start went through after all (its reply was lost): the record still says STOPPED
    h.resources.start(worker2).join();

    Cluster stopped = run(StopCluster.of("demo"));

    assertThat(stopped.state()).isEqualTo(ClusterState.STOPPED);
    assertThat(h.resources.resources(c.id())).noneMatch(NodeResource::running);
  }

  @Test
  void deleteNodes_refused_leavesANodeThatSkipFailedLeftStopped_stopped() {
    Cluster c =
        create(
            spec(
                "1.0",
                r ->
                    r.minNodes(1)
                        .maxNodes(6)
                        .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                        .service("scale_in", s -> s.cmd("si").preCheck("pc"))));
    run(StopCluster.of("demo"));
    h.resources
        .fail(
            ResourceCall.Method.START,
            n -> n.nodeId().equals("demo-worker-3"),
            new IllegalStateException("no capacity"))
        .times(1);
    assertThatThrownBy(() -> run(StartCluster.of("demo")))
        .isInstanceOf(OperationFailedException.class);
    Cluster skipped = h.engine.skipFailed("demo", Duration.ofMinutes(1));
    assertThat(skipped.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(skipped.node("demo-worker-3").orElseThrow().state()).isEqualTo(NodeState.STOPPED);
    h.commands.on("scale_in.pre_check").exit(2);

    assertThatThrownBy(() -> run(DeleteNodes.of("demo", "demo-worker-3")))
        .isInstanceOfSatisfying(
            OperationFailedException.class, e -> assertThat(e.operation().refused()).isTrue());

    Cluster after = h.engine.get(c.id());
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes()).isEqualTo(skipped.nodes());
    assertThat(h.resources.resource(new NodeRef(c.id(), "demo-worker-3")).orElseThrow().running())
        .isFalse();
  }

  @Test
  void stopThenStart_keepVolumesAndAddresses_andRunServicesInOrder() {
    Cluster c = create(spec("1.0", r -> {}));
    Cluster stopped = run(StopCluster.of("demo"));
    assertThat(h.stages())
        .containsExactly(
            "stop (order 0): stop@demo-client-1=0",
            "stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "stop (order 2): stop@demo-master-1=0",
            "stop instances: down:demo-client-1 down:demo-master-1 down:demo-worker-1"
                + " down:demo-worker-2 down:demo-worker-3");
    assertThat(stopped.state()).isEqualTo(ClusterState.STOPPED);
    assertThat(stopped.nodes()).extracting(Node::state).containsOnly(NodeState.STOPPED);
    assertThat(stopped.nodes())
        .extracting(Node::address)
        .containsExactlyElementsOf(c.nodes().stream().map(Node::address).toList());
    assertThat(h.resources.resources(c.id()))
        .hasSize(5)
        .allSatisfy(
            r -> {
              assertThat(r.running()).isFalse();
              if (r.role().equals("worker")) {
                assertThat(r.volumeSize()).isEqualTo(10);
              }
            });
    assertThatThrownBy(() -> run(StopCluster.of("demo")))
        .isInstanceOf(IllegalStateTransitionException.class)
        .hasMessageContaining("STOPPED");

    Cluster started = run(StartCluster.of("demo"));
    assertThat(h.stages())
        .containsExactly(
            "start instances: up:demo-client-1 up:demo-master-1 up:demo-worker-1 up:demo-worker-2"
                + " up:demo-worker-3",
            "reload (order 0): reload@demo-client-1=0",
            "start (order 0): start@demo-master-1=0",
            "start (order 1): start@demo-worker-1=0 start@demo-worker-2=0 start@demo-worker-3=0",
            "start (order 2): start@demo-client-1=0");
    assertThat(started.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(started.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThat(h.resources.resources(c.id())).allSatisfy(r -> assertThat(r.running()).isTrue());
  }

  @Test
  void onAStoppedCluster_operationsThatNeedItRunning_areRefusedNamingTheState() {
    create(
        AppSpec.builder("pg", "16")
            .role(
                "db",
                r ->
                    r.count(2)
                        .service("start", "s")
                        .service("stop", "x")
                        .service("promote", "p")
                        .service("backup", "b"))
            .build());
    Cluster stopped = run(StopCluster.of("demo"));
    for (OperationRequest r :
        List.<OperationRequest>of(
            Promote.of("demo", "demo-db-2"),
            RestartCluster.of("demo"),
            BackupCluster.of("demo"),
            RunService.of("demo", "vacuum"),
            ScaleVertical.of("demo", RoleResize.of("db").cpu(3)))) {
      assertThatThrownBy(() -> h.engine.execute(r))
          .as(r.toString())
          .isInstanceOf(IllegalStateTransitionException.class)
          .hasMessageContaining("while the cluster is STOPPED");
    }
    assertUnchanged(stopped);
  }

  @Test
  void rollingRestart_inBatchesOfTwo_overFiveNodes_waitsBetweenBatches() {
    create(
        AppSpec.builder("zk", "1.0")
            .role(
                "zk",
                r -> r.count(5).service("start", "s").service("stop", "x").service("restart", "rs"))
            .build());
    run(RestartCluster.of("demo").inBatches(2, Duration.ofSeconds(1)));
    assertThat(h.stages())
        .containsExactly(
            "batch 1/3: restart (order 0): restart@demo-zk-1=0 restart@demo-zk-2=0",
            "batch 2/3: wait 1000 ms: ",
            "batch 2/3: restart (order 0): restart@demo-zk-3=0 restart@demo-zk-4=0",
            "batch 3/3: wait 1000 ms: ",
            "batch 3/3: restart (order 0): restart@demo-zk-5=0");
    List<List<CommandRun>> batches =
        List.of(
            runsOf("demo-zk-1", "demo-zk-2"),
            runsOf("demo-zk-3", "demo-zk-4"),
            runsOf("demo-zk-5"));
    for (int i = 1; i < batches.size(); i++) {
      Instant previousEnd =
          batches.get(i - 1).stream()
              .map(r -> r.endedAt().orElseThrow())
              .max(Instant::compareTo)
              .orElseThrow();
      Instant nextStart =
          batches.get(i).stream().map(CommandRun::startedAt).min(Instant::compareTo).orElseThrow();
      assertThat(Duration.between(previousEnd, nextStart))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
    List<Instant> commandEvents =
        h.events.events().stream()
            .filter(
                e ->
                    e.event() == EventType.COMMAND_STARTED
                        && e.service().filter("restart"::equals).isPresent())
            .map(LifecycleEvent::ts)
            .toList();
    assertThat(Duration.between(commandEvents.get(1), commandEvents.get(2)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(Duration.between(commandEvents.get(3), commandEvents.get(4)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  private List<CommandRun> runsOf(String... nodes) {
    return h.commands.runs("restart").stream()
        .filter(r -> List.of(nodes).contains(r.nodeId()))
        .toList();
  }

  @Test
  void restart_withoutARestartService_stopsThenStarts_byOrder() {
    create(spec("1.0", r -> {}));
    run(RestartCluster.of("demo"));
    assertThat(h.stages())
        .containsExactly(
            "stop (order 0): stop@demo-client-1=0",
            "stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "stop (order 2): stop@demo-master-1=0",
            "start (order 0): start@demo-master-1=0",
            "start (order 1): start@demo-worker-1=0 start@demo-worker-2=0 start@demo-worker-3=0",
            "start (order 2): start@demo-client-1=0");
  }

  @Test
  void restart_whileBusy_isRefusedAtOnce_withoutWaiting() throws Exception {
    Cluster c = create(spec("1.0", r -> {}));
    h.commands.on("stop").hang();
    CompletableFuture<?> stop = h.engine.submit(StopCluster.of("demo"));
    h.commands.whenStarted(r -> r.service().equals("stop")).get(5, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () -> h.engine.execute(RestartCluster.of("demo").withTimeout(Duration.ofSeconds(30))))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("busy");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    stop.cancel(true);
    assertThat(c.id()).isNotEmpty();
  }

  // ---------------------------------------------------------------- role actions (docs/design.md
  // §6.8)

  @Test
  void runService_customServiceOverOneRole_inBatches_honouringNodesToExecuteOn() {
    create(spec("1.0", r -> r.count(4).service("compact", s -> s.cmd("c").nodesToExecuteOn(3))));
    run(RunService.of("demo", "compact").onRole("worker").inBatches(2, Duration.ofMillis(50)));
    assertThat(h.stages())
        .containsExactly(
            "batch 1/2: compact (order 0): compact@demo-worker-1=0 compact@demo-worker-2=0",
            "batch 2/2: wait 50 ms: ",
            "batch 2/2: compact (order 0): compact@demo-worker-3=0");
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.RUNNING);
  }

  @Test
  void runService_acrossRoles_followsEachRolesOrder() {
    create(
        AppSpec.builder("app", "1.0")
            .role(
                "a",
                r -> r.count(2).service("start", "s").service("flush", s -> s.cmd("f").order(1)))
            .role(
                "b",
                r -> r.count(1).service("start", "s").service("flush", s -> s.cmd("f").order(0)))
            .build());
    run(RunService.of("demo", "flush"));
    assertThat(h.stages())
        .containsExactly(
            "flush (order 0): flush@demo-b-1=0",
            "flush (order 1): flush@demo-a-1=0 flush@demo-a-2=0");
  }

  @Test
  void runService_reboot_stopsAndStartsTheInstances() {
    create(spec("1.0", r -> {}));
    Cluster after =
        run(RunService.of("demo", "reboot").onRole("worker").inBatches(3, Duration.ZERO));
    assertThat(h.stages())
        .containsExactly(
            "stop instances: down:demo-worker-1 down:demo-worker-2 down:demo-worker-3",
            "start instances: up:demo-worker-1 up:demo-worker-2 up:demo-worker-3");
    assertThat(after.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
  }

  @Test
  void runService_undefinedServiceOrUnknownRole_isRefused() {
    Cluster c = create(spec("1.0", r -> {}));
    assertThatThrownBy(() -> run(RunService.of("demo", "vacuum")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no role defines service 'vacuum'");
    assertThatThrownBy(() -> run(RunService.of("demo", "reload").onRole("master")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("role master defines service 'reload'");
    assertThatThrownBy(() -> run(RunService.of("demo", "start").onRole("ghost")))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> run(RunService.of("demo", "start").inBatches(-1, Duration.ZERO)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("batch_size");
    assertUnchanged(c);
  }

  // ---------------------------------------------------------------- add and remove roles
  // (docs/design.md §6.9)

  @Test
  void addRole_createsItsNodes_publishesThem_reloadsTheOthers_thenInitsAndStarts() {
    Cluster c = create(spec("1.0", r -> {}));
    RoleSpec gateway =
        RoleSpec.builder("gateway")
            .count(2)
            .service("init", "gi")
            .service("start", s -> s.cmd("gs").order(3))
            .build();
    Cluster after = run(AddRole.of("demo", gateway));
    assertThat(h.stages())
        .containsExactly(
            "create resources: +demo-gateway-1 +demo-gateway-2",
            "publish /hosts: put",
            "reload (order 0): reload@demo-client-1=0",
            "init (order 0): init@demo-gateway-1=0 init@demo-gateway-2=0",
            "start (order 3): start@demo-gateway-1=0 start@demo-gateway-2=0");
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.spec().role("gateway")).isPresent();
    assertThat(after.nodes("gateway")).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThat(h.metadata.value(root(c) + "/hosts/gateway/demo-gateway-2/ip")).isPresent();
    assertThatThrownBy(() -> run(AddRole.of("demo", gateway)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("already has a role gateway");
  }

  @Test
  void removeRole_stopsDeletesAndUnpublishesItsNodes_andDropsItFromTheSpec() {
    Cluster c = create(spec("1.0", r -> {}));
    Cluster after = run(RemoveRole.of("demo", "worker"));
    assertThat(h.stages())
        .containsExactly(
            "stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "delete resources: -demo-worker-1 -demo-worker-2 -demo-worker-3",
            "unpublish /hosts: del",
            "reload (order 0): reload@demo-client-1=0");
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.spec().role("worker")).isEmpty();
    assertThat(after.nodes()).extracting(Node::role).containsOnly("master", "client");
    assertThat(h.resources.resources(c.id())).hasSize(2);
    assertThat(h.metadata.snapshot().keySet()).noneMatch(k -> k.contains("/worker/"));
  }

  @Test
  void removeRole_refusedDestroyGuard_leavesTheRoleRunning() {
    Cluster c = create(spec("1.0", r -> r.service("destroy", "d")));
    h.commands.on("destroy").forNode("demo-worker-3").exit(1);
    assertThatThrownBy(() -> run(RemoveRole.of("demo", "worker")))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("destroy on demo-worker-3 exited with 1");
    Cluster after = h.engine.get(c.id());
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.spec().role("worker")).isPresent();
    assertThat(after.nodes("worker")).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThatThrownBy(() -> run(RemoveRole.of("demo", "ghost")))
        .isInstanceOf(ValidationException.class);
  }

  // ---------------------------------------------------------------- backup and restore
  // (docs/design.md §6.10)

  private static AppSpec backedUp() {
    return spec("1.0", r -> r.service("backup", "b").service("restore", "rr"));
  }

  @Test
  void backupThenRestore_runsRestoreOnEveryNodeWithItsOwnArtifact_beforeStart() {
    Cluster c = create(backedUp());
    Backup backup = h.engine.backup(BackupCluster.of("demo"));
    assertThat(h.stages())
        .containsExactly(
            "backup (order 0): backup@demo-worker-1=0 backup@demo-worker-2=0 backup@demo-worker-3=0");
    assertThat(backup.clusterId()).isEqualTo(c.id());
    assertThat(backup.spec().version()).isEqualTo("1.0");
    assertThat(backup.roleCounts())
        .containsExactly(Map.entry("client", 1), Map.entry("master", 1), Map.entry("worker", 3));
    assertThat(backup.artifacts())
        .extracting(Backup.Artifact::artifact)
        .containsExactly(
            backup.id() + "/demo-worker-1",
            backup.id() + "/demo-worker-2",
            backup.id() + "/demo-worker-3");
    assertThat(h.commands.runs("backup"))
        .allSatisfy(
            r ->
                assertThat(r.environment())
                    .containsEntry("LC_BACKUP_ID", backup.id())
                    .containsEntry("LC_BACKUP_ARTIFACT", backup.id() + "/" + r.nodeId()));
    assertThat(h.engine.backups("demo")).containsExactly(backup);
    assertThat(h.engine.get(c.id()).state()).isEqualTo(ClusterState.RUNNING);

    Cluster restored = h.engine.restore(RestoreCluster.builder(backup.id(), "copy").build());
    assertThat(h.stages())
        .containsExactly(
            "create resources: +copy-client-1 +copy-master-1 +copy-worker-1 +copy-worker-2"
                + " +copy-worker-3",
            "publish metadata: put",
            "init (order 0): init@copy-master-1=0",
            "restore (order 0): restore@copy-worker-1=0 restore@copy-worker-2=0"
                + " restore@copy-worker-3=0",
            "start (order 0): start@copy-master-1=0",
            "start (order 1): start@copy-worker-1=0 start@copy-worker-2=0 start@copy-worker-3=0",
            "start (order 2): start@copy-client-1=0");
    assertThat(restored.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(restored.name()).isEqualTo("copy");
    assertThat(h.commands.runs("restore"))
        .extracting(r -> r.nodeId() + " <- " + r.environment().get("LC_BACKUP_ARTIFACT"))
        .containsExactlyInAnyOrder(
            "copy-worker-1 <- " + backup.id() + "/demo-worker-1",
            "copy-worker-2 <- " + backup.id() + "/demo-worker-2",
            "copy-worker-3 <- " + backup.id() + "/demo-worker-3");
  }

  @Test
  void restore_withOtherCounts_orUnknownBackup_orBackupWithoutService_isRefused() {
    Cluster c = create(backedUp());
    Backup backup = h.engine.backup(BackupCluster.of("demo"));
    int clusters = h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all()).size();
    assertThatThrownBy(
            () ->
                h.engine.restore(
                    RestoreCluster.builder(backup.id(), "copy").count("worker", 4).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "keeps the role counts of backup " + backup.id() + ": client=1, master=1, worker=3");
    assertThatThrownBy(() -> h.engine.restore(RestoreCluster.builder("bk-nope", "copy").build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("bk-nope");
    assertThatThrownBy(() -> h.engine.restore(RestoreCluster.builder(backup.id(), "demo").build()))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already exists");
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).hasSize(clusters);
    h.engine.delete(io.clusterlifecycle.api.request.DeleteCluster.of("demo"));
    create(spec("1.0", r -> {}));
    assertThatThrownBy(() -> h.engine.backup(BackupCluster.of("demo")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("defines a backup service");
    assertThat(h.engine.backup(backup.id())).contains(backup);
    assertThat(c.id()).isNotEmpty();
  }

  // ---------------------------------------------------------------- promote (docs/design.md §6.11)

  private static AppSpec replicated() {
    return AppSpec.builder("pg", "16")
        .role(
            "db",
            r -> r.count(3).service("start", "s").service("promote", "p").service("reload", "r"))
        .build();
  }

  @Test
  void promote_isRefusedWhileThePrimaryIsHealthy_andASwitchoverMovesThePrimary() {
    Cluster c = create(replicated());
    assertThat(h.metadata.value(root(c) + "/primary/db")).contains("demo-db-1");
    assertThatThrownBy(() -> run(Promote.of("demo", "demo-db-2")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("demo-db-1 is the healthy primary");
    Cluster after = run(Promote.of("demo", "demo-db-2").asSwitchover());
    assertThat(h.stages())
        .containsExactly(
            "promote: promote@demo-db-2=0",
            "publish /primary: put",
            "reload (order 0): reload@demo-db-1=0 reload@demo-db-2=0 reload@demo-db-3=0");
    assertThat(after.primary("db")).map(Node::id).contains("demo-db-2");
    assertThat(h.metadata.value(root(c) + "/primary/db")).contains("demo-db-2");
    assertThatThrownBy(() -> run(Promote.of("demo", "demo-db-2").asSwitchover()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("already the primary");
  }

  @Test
  void promote_afterThePrimaryIsGone_needsNoSwitchover() {
    create(
        AppSpec.builder("pg", "16")
            .role(
                "db",
                r ->
                    r.count(3)
                        .minNodes(1)
                        .advancedActions(
                            io.clusterlifecycle.api.spec.AdvancedAction.SCALE_HORIZONTAL)
                        .service("start", "s")
                        .service("promote", "p"))
            .build());
    run(Promote.of("demo", "demo-db-3").asSwitchover());
    h.engine.deleteNodes(io.clusterlifecycle.api.request.DeleteNodes.of("demo", "demo-db-3"));
    Cluster after = run(Promote.of("demo", "demo-db-2"));
    assertThat(after.primary("db")).map(Node::id).contains("demo-db-2");
  }

  @Test
  void promote_ofARoleWithoutPromote_orAnUnknownNode_isRefused() {
    Cluster c = create(spec("1.0", r -> {}));
    assertThatThrownBy(() -> run(Promote.of("demo", "demo-worker-2")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("defines no promote");
    assertThatThrownBy(() -> run(Promote.of("demo", "demo-worker-9")))
        .isInstanceOf(NotFoundException.class);
    assertUnchanged(c);
  }

  // ---------------------------------------------------------------- recover (docs/design.md §6.12)

  @Test
  void failedUpgrade_recover_resumesTheFailedStage_andFinishesOnTheNewVersion() {
    Cluster c = create(spec("1.0", upgrading("1.0")));
    h.commands.on("upgrade").forNode("demo-worker-2").exit(7).times(1);
    assertThatThrownBy(() -> run(Upgrade.of("demo", spec("2.0", upgrading("2.0")))))
        .isInstanceOf(OperationFailedException.class);
    long stopsBefore = h.commands.runs("stop").size();

    Cluster after = h.engine.recover("demo", Duration.ofSeconds(30));

    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes()).extracting(Node::version).containsOnly(Optional.of("2.0"));
    // only the unfinished steps ran again: the failed upgrade, then what followed it
    assertThat(h.commands.runs("stop")).hasSize((int) stopsBefore);
    assertThat(h.commands.runs("upgrade"))
        .filteredOn(r -> r.nodeId().equals("demo-worker-2"))
        .hasSize(2);
    assertThat(h.commands.runs("upgrade"))
        .filteredOn(r -> r.nodeId().equals("demo-worker-1"))
        .hasSize(1);
    assertThat(h.engine.operations(c.id()))
        .extracting(o -> o.state().name())
        .containsExactly("SUCCEEDED", "SUCCEEDED");
  }

  @Test
  void failedPublishOfTheScalingRole_recover_publishesIt_andStillRemovesItAfterwards() {
    Cluster c = create(spec("1.0", r -> {}));
    h.metadata
        .failCommit(
            change ->
                change.puts().keySet().stream()
                    .anyMatch(k -> k.contains("/vertical-scaling-roles/")),
            new IllegalStateException("metadata store down"))
        .times(1);
    assertThatThrownBy(() -> run(ScaleVertical.of("demo", RoleResize.of("worker").cpu(6))))
        .isInstanceOf(OperationFailedException.class);
    assertThat(h.stages())
        .containsExactly(
            "publish /vertical-scaling-roles:  !", "remove /vertical-scaling-roles: del");

    Cluster after = h.engine.recover("demo", Duration.ofSeconds(30));

    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    // the clean-up stage ran again after the resumed publish
    assertThat(h.stages())
        .startsWith("publish /vertical-scaling-roles: put")
        .contains("remove /vertical-scaling-roles: del");
    assertThat(h.metadata.snapshot().keySet()).noneMatch(k -> k.contains("vertical-scaling"));
    assertThat(after.nodes("worker")).extracting(Node::cpu).containsOnly(6);
    assertThat(c.id()).isEqualTo(after.id());
  }

  @Test
  void interruptedRollingRestart_isTakenOverAndFinished_withoutRepeatingDoneBatches()
      throws Exception {
    create(
        AppSpec.builder("zk", "1.0")
            .role("zk", r -> r.count(4).service("start", "s").service("restart", "rs"))
            .build());
    java.util.concurrent.ScheduledExecutorService deadScheduler =
        java.util.concurrent.Executors.newScheduledThreadPool(1);
    io.clusterlifecycle.core.LifecycleEngine a =
        h.engine(b -> b.scheduler(deadScheduler).leaseDuration(Duration.ofSeconds(5)));
    h.commands.on("restart").forNode("demo-zk-3").hang().times(1);
    a.submit(RestartCluster.of("demo").inBatches(2, Duration.ofMillis(100)));
    h.commands
        .whenStarted(r -> r.nodeId().equals("demo-zk-4") && r.service().equals("restart"))
        .get(10, TimeUnit.SECONDS);
    deadScheduler.shutdownNow();
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.UPDATING);

    io.clusterlifecycle.core.LifecycleEngine b =
        h.engine(
            x ->
                x.clock(
                    java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(1))));
    Cluster after = b.recover("demo", Duration.ofSeconds(30));

    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(h.commands.runs("restart"))
        .extracting(CommandRun::nodeId)
        .filteredOn(n -> n.equals("demo-zk-1"))
        .hasSize(1);
    assertThat(h.commands.runs("restart"))
        .extracting(CommandRun::nodeId)
        .filteredOn(n -> n.equals("demo-zk-3"))
        .hasSize(2);
    b.close();
    a.close();
  }

  @Test
  void failedVerticalScaling_recover_finishesTheResize() {
    create(spec("1.0", r -> {}));
    h.resources
        .fail(
            ResourceCall.Method.RESIZE,
            ref -> ref.nodeId().equals("demo-worker-3"),
            new IllegalStateException("host busy"))
        .times(1);
    assertThatThrownBy(() -> run(ScaleVertical.of("demo", RoleResize.of("worker").cpu(6))))
        .isInstanceOf(OperationFailedException.class);
    Cluster after = h.engine.recover("demo", Duration.ofSeconds(30));
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes("worker")).extracting(Node::cpu).containsOnly(6);
    assertThat(h.metadata.snapshot().keySet()).noneMatch(k -> k.contains("vertical-scaling"));
  }

  // ---------------------------------------------------------------- plans

  @Test
  void everyNewPlan_roundTripsThroughJson() {
    create(spec("1.0", r -> r.service("backup", "b").service("restart", "rs")));
    List<OperationRequest> requests =
        new ArrayList<>(
            List.of(
                ScaleVertical.of("demo", RoleResize.of("worker").cpu(3)),
                Upgrade.of("demo", spec("2.0", r -> {})),
                StopCluster.of("demo"),
                RestartCluster.of("demo").inBatches(2, Duration.ofSeconds(3)),
                RunService.of("demo", "reboot"),
                BackupCluster.of("demo"),
                RemoveRole.of("demo", "client")));
    for (OperationRequest r : requests) {
      Plan plan = h.engine.plan(r);
      assertThat(plan.stages()).as(r.toString()).isNotEmpty();
      assertThat(RecordCodec.read(RecordCodec.write(plan), Plan.class)).isEqualTo(plan);
      assertThat(plan.toMermaid()).contains("flowchart");
    }
  }

  private List<CommandRun> lastOperationRuns() {
    String op =
        h.events.events().stream()
            .filter(e -> e.event() == EventType.OPERATION_STARTED)
            .reduce((a, b) -> b)
            .orElseThrow()
            .operation()
            .orElse(null);
    return h.commands.runs().stream()
        .filter(r -> op.equals(r.environment().get("LC_OPERATION_ID")))
        .toList();
  }
}
