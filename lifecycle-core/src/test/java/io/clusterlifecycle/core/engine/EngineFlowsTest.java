package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every branch of docs/design.md §6.1–§6.4, asserted on the exact stages and what happened in each.
 */
class EngineFlowsTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  /** master (order 0), worker (order 1, post-start init, n_t_e_o 2 on scale_out), client. */
  static AppSpec spec(Consumer<RoleSpec.Builder> worker) {
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
                        .maxNodes(6)
                        .minNodes(2)
                        .volume(10, "/data")
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
                    .service("start", s -> s.cmd("s").order(2))
                    .service("stop", s -> s.cmd("x").order(0))
                    .service("reload", s -> s.cmd("r")))
        .build();
  }

  Cluster create(AppSpec spec) {
    return h.engine.create(CreateCluster.builder(spec, "demo").build());
  }

  private String root(Cluster c) {
    return "/clusters/" + c.id();
  }

  @Test
  void create_runsInitBeforeStart_postStartInitAfter_byOrder_andPublishesOneTransaction() {
    Cluster c = create(spec(r -> {}));
    assertThat(h.stages())
        .containsExactly(
            "create resources: +demo-client-1 +demo-master-1 +demo-worker-1 +demo-worker-2"
                + " +demo-worker-3",
            "publish metadata: put",
            "init (order 0): init@demo-master-1=0",
            "start (order 0): start@demo-master-1=0",
            "start (order 1): start@demo-worker-1=0 start@demo-worker-2=0 start@demo-worker-3=0",
            "start (order 2): start@demo-client-1=0",
            "init (post-start) (order 0): init@demo-worker-1=0 init@demo-worker-2=0"
                + " init@demo-worker-3=0");
    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(c.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThat(c.nodes()).allSatisfy(n -> assertThat(n.address().orElse("")).startsWith("10.0."));
    assertThat(h.metadata.commitCount()).isEqualTo(1);
    assertThat(h.metadata.value(root(c) + "/hosts/worker/demo-worker-2/ip"))
        .contains(c.node("demo-worker-2").orElseThrow().address().orElse(""));
    assertThat(h.metadata.value(root(c) + "/cluster/app_version")).contains("1.0");
    assertThat(h.metadata.value(root(c) + "/hosts/worker/demo-worker-2/volume_size"))
        .contains("10");
    // every command sees its identity in the environment, never spliced into the script
    assertThat(h.commands.runs("start"))
        .allSatisfy(
            run -> {
              assertThat(run.environment())
                  .containsEntry("LC_NODE_ID", run.nodeId())
                  .containsEntry("LC_CLUSTER_NAME", "demo")
                  .containsEntry("LC_SERVICE", "start");
              assertThat(run.script()).isEqualTo("s");
            });
  }

  @Test
  void create_failedStart_endsFailedDeploying_withNoFurtherStages() {
    h.commands.on("start").forNode("demo-worker-2").exit(3);
    assertThatThrownBy(() -> create(spec(r -> {})))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("start on demo-worker-2 exited with 3");
    assertThat(h.stages()).last().asString().startsWith("start (order 1)").endsWith(" !");
    assertThat(h.commands.runs("start"))
        .extracting(r -> r.nodeId())
        .doesNotContain("demo-client-1");
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_DEPLOYING);
  }

  @Test
  void create_failedResource_marksThatNodeFailed() {
    h.resources.failCreate("demo-worker-3", new IllegalStateException("no capacity"));
    assertThatThrownBy(() -> create(spec(r -> {})))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("no capacity");
    Cluster c = h.engine.get("demo");
    assertThat(c.state()).isEqualTo(ClusterState.FAILED_DEPLOYING);
    assertThat(c.node("demo-worker-3").orElseThrow().state()).isEqualTo(NodeState.FAILED);
    assertThat(h.commands.runs()).isEmpty();
  }

  @Test
  void delete_withoutDestroy_stopsInOrder_deletesAll_unpublishes_endsDone() {
    Cluster c = create(spec(r -> {}));
    h.engine.delete(DeleteCluster.of("demo"));
    assertThat(h.stages())
        .containsExactly(
            "stop (order 0): stop@demo-client-1=0",
            "stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "stop (order 2): stop@demo-master-1=0",
            "delete resources: -demo-client-1 -demo-master-1 -demo-worker-1 -demo-worker-2"
                + " -demo-worker-3",
            "unpublish metadata: del");
    assertThat(h.engine.get(c.id()).state()).isEqualTo(ClusterState.DONE);
    assertThat(h.resources.resources(c.id())).isEmpty();
    assertThat(h.metadata.snapshot()).isEmpty();
  }

  @Test
  void delete_destroyGuardFails_refusesWithNoStopNoDeletion_clusterBackToRunning() {
    Cluster c = create(spec(r -> r.service("destroy", "d")));
    h.commands.on("destroy").forNode("demo-worker-2").exit(1);
    assertThatThrownBy(() -> h.engine.delete(DeleteCluster.of("demo")))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.operation().refused()).isTrue();
              assertThat(e.getMessage()).contains("demo-worker-2").contains("exited with 1");
            });
    assertThat(h.stages())
        .containsExactly(
            "destroy (guard) (order 0): destroy@demo-worker-1=0"
                + " destroy@demo-worker-2=1 destroy@demo-worker-3=0 !");
    assertThat(h.commands.runs("stop")).isEmpty();
    assertThat(h.resources.calls(io.clusterlifecycle.testkit.ResourceCall.Method.DELETE)).isEmpty();
    Cluster after = h.engine.get(c.id());
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThat(h.resources.resources(c.id())).hasSize(5);
  }

  @Test
  void delete_destroyGuardFails_forced_deletesEverythingWithWarning() {
    Cluster c = create(spec(r -> r.service("destroy", "d")));
    h.commands.on("destroy").forNode("demo-worker-2").exit(1);
    Operation op = h.engine.delete(DeleteCluster.of("demo").forced());
    assertThat(op.warnings()).singleElement().asString().contains("demo-worker-2");
    assertThat(h.stages())
        .containsExactly(
            "destroy (guard) (order 0): destroy@demo-worker-1=0 destroy@demo-worker-2=1"
                + " destroy@demo-worker-3=0",
            "stop (order 0): stop@demo-client-1=0",
            "stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "stop (order 2): stop@demo-master-1=0",
            "delete resources: -demo-client-1 -demo-master-1 -demo-worker-1 -demo-worker-2"
                + " -demo-worker-3",
            "unpublish metadata: del");
    assertThat(h.engine.get(c.id()).state()).isEqualTo(ClusterState.DONE);
    assertThat(h.resources.resources(c.id())).isEmpty();
  }

  @Test
  void delete_postStopDestroy_runsAfterStop_andItsFailureFailsWithoutDeleting() {
    Cluster c = create(spec(r -> r.service("destroy", s -> s.cmd("d").postStopService(true))));
    h.commands.on("destroy").forNode("demo-worker-1").exit(2);
    assertThatThrownBy(() -> h.engine.delete(DeleteCluster.of("demo")))
        .isInstanceOfSatisfying(
            OperationFailedException.class, e -> assertThat(e.operation().refused()).isFalse());
    assertThat(h.stages())
        .containsExactly(
            "stop (order 0): stop@demo-client-1=0",
            "stop (order 1): stop@demo-worker-1=0 stop@demo-worker-2=0 stop@demo-worker-3=0",
            "stop (order 2): stop@demo-master-1=0",
            "destroy (order 0): destroy@demo-worker-1=2 destroy@demo-worker-2=0"
                + " destroy@demo-worker-3=0 !");
    assertThat(h.engine.get(c.id()).state()).isEqualTo(ClusterState.FAILED_UNDEPLOYING);
    assertThat(h.resources.resources(c.id())).hasSize(5);
  }

  @Test
  void delete_keepVolumes_listsKeptVolumes() {
    Cluster c = create(spec(r -> {}));
    Operation op = h.engine.delete(DeleteCluster.of("demo").keepingVolumes());
    // only the workers have a volume
    assertThat(op.keptVolumes())
        .containsExactlyInAnyOrder("vol-demo-worker-1", "vol-demo-worker-2", "vol-demo-worker-3");
    assertThat(h.resources.keptVolumes()).hasSize(3);
    assertThat(h.resources.resources(c.id())).isEmpty();
  }

  @Test
  void delete_ofFailedCluster_needsForce() {
    h.commands.on("start").forNode("demo-master-1").exit(1);
    assertThatThrownBy(() -> create(spec(r -> {}))).isInstanceOf(OperationFailedException.class);
    assertThatThrownBy(() -> h.engine.delete(DeleteCluster.of("demo")))
        .isInstanceOf(IllegalStateTransitionException.class)
        .hasMessageContaining("FAILED_DEPLOYING")
        .hasMessageContaining("force");
    h.engine.delete(DeleteCluster.of("demo").forced());
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.DONE);
  }

  @Test
  void addNodes_scaleOutOnExistingFirstNodesOnly_addingHostsGoneAfterwards() {
    Cluster c = create(spec(r -> {}));
    h.engine.addNodes(AddNodes.of("demo", "worker", 2));
    assertThat(h.stages())
        .containsExactly(
            "create resources: +demo-worker-4 +demo-worker-5",
            "publish /hosts + /adding-hosts: put",
            "reload (order 0): reload@demo-client-1=0",
            "start (order 1): start@demo-worker-4=0 start@demo-worker-5=0",
            "init (post-start) (order 0): init@demo-worker-4=0 init@demo-worker-5=0",
            "scale_out (order 0): scale_out@demo-worker-1=0 scale_out@demo-worker-2=0",
            "remove /adding-hosts: del");
    Cluster after = h.engine.get(c.id());
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes("worker"))
        .extracting(Node::id)
        .containsExactly(
            "demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-worker-4", "demo-worker-5");
    assertThat(after.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThat(h.metadata.get(root(c) + "/adding-hosts").join()).isEmpty();
    assertThat(h.metadata.value(root(c) + "/hosts/worker/demo-worker-5/node_id"))
        .contains("demo-worker-5");
  }

  @Test
  void addNodes_failureOfNewNode_failsScaling_andStillRemovesAddingHosts() {
    Cluster c = create(spec(r -> {}));
    h.commands.on("start").forNode("demo-worker-4").exit(9);
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("demo", "worker", 1)))
        .isInstanceOf(OperationFailedException.class);
    assertThat(h.stages()).last().isEqualTo("remove /adding-hosts: del");
    assertThat(h.commands.runs("scale_out")).isEmpty();
    assertThat(h.engine.get(c.id()).state()).isEqualTo(ClusterState.FAILED_SCALING);
    assertThat(h.metadata.get(root(c) + "/adding-hosts").join()).isEmpty();
  }

  @Test
  void addNodes_preCheckFails_refusedBeforeAnythingChanges() {
    Cluster c = create(spec(r -> r.service("scale_out", s -> s.cmd("so").preCheck("check"))));
    int commits = h.metadata.commitCount();
    h.commands.on("scale_out.pre_check").exit(1);
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("demo", "worker", 1)))
        .isInstanceOfSatisfying(
            OperationFailedException.class, e -> assertThat(e.operation().refused()).isTrue());
    assertThat(h.resources.createCount("demo-worker-4")).isZero();
    // only the finally-stage's clean-up commit, which deletes nothing that exists
    assertThat(h.metadata.commits().subList(commits, h.metadata.commitCount()))
        .allSatisfy(change -> assertThat(change.puts()).isEmpty());
    Cluster after = h.engine.get(c.id());
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes("worker")).hasSize(3);
  }

  @Test
  void addNodes_badInput_refusedBeforeAnythingChanges() {
    create(spec(r -> {}));
    int before = h.resources.calls().size();
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("demo", "worker", 4)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("max_nodes of 6");
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("demo", "worker", 0)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("must be >= 1");
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("demo", "master", 1)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("scale_horizontal");
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("demo", "nope", 1)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no role 'nope'");
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("ghost", "worker", 1)))
        .isInstanceOf(NotFoundException.class);
    assertThat(h.resources.calls()).hasSize(before);
  }

  @Test
  void deleteNodes_withoutDestroy_scaleInOnRemaining_stopOnLeaving_thenDelete() {
    Cluster c = create(spec(r -> {}));
    h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-3"));
    assertThat(h.stages())
        .containsExactly(
            "scale_in pre-check: scale_in.pre_check@demo-worker-1=0 scale_in.pre_check@demo-worker-2=0",
            "publish /deleting-hosts: put",
            "reload (order 0): reload@demo-client-1=0",
            "scale_in (order 0): scale_in@demo-worker-1=0 scale_in@demo-worker-2=0",
            "stop (order 1): stop@demo-worker-3=0",
            "delete resources: -demo-worker-3",
            "unpublish /hosts + /deleting-hosts: del",
            "reload (order 0): reload@demo-client-1=0",
            "remove /deleting-hosts: del");
    Cluster after = h.engine.get(c.id());
    assertThat(after.nodes("worker"))
        .extracting(Node::id)
        .containsExactly("demo-worker-1", "demo-worker-2");
    assertThat(h.metadata.get(root(c) + "/deleting-hosts").join()).isEmpty();
    assertThat(h.metadata.get(root(c) + "/hosts/worker/demo-worker-3").join()).isEmpty();
    // the index of a deleted node is never handed out again
    h.engine.addNodes(AddNodes.of("demo", "worker", 1));
    assertThat(h.engine.get(c.id()).nodes("worker"))
        .extracting(Node::id)
        .containsExactly("demo-worker-1", "demo-worker-2", "demo-worker-4");
  }

  @Test
  void deleteNodes_destroyGuardFails_refused_deletingHostsRemoved_nothingElseChanges() {
    Cluster c = create(spec(r -> r.service("destroy", "d")));
    h.commands.on("destroy").exit(1);
    assertThatThrownBy(() -> h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-3")))
        .isInstanceOfSatisfying(
            OperationFailedException.class, e -> assertThat(e.operation().refused()).isTrue());
    assertThat(h.stages())
        .containsExactly(
            "scale_in pre-check: scale_in.pre_check@demo-worker-1=0 scale_in.pre_check@demo-worker-2=0",
            "publish /deleting-hosts: put",
            "reload (order 0): reload@demo-client-1=0",
            "destroy (guard) (order 0): destroy@demo-worker-3=1 !",
            "remove /deleting-hosts: del");
    assertThat(h.commands.runs("scale_in")).isEmpty();
    assertThat(h.commands.runs("stop")).isEmpty();
    assertThat(h.resources.deleteCount("demo-worker-3")).isZero();
    assertThat(h.metadata.get(root(c) + "/deleting-hosts").join()).isEmpty();
    Cluster after = h.engine.get(c.id());
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.node("demo-worker-3").orElseThrow().state()).isEqualTo(NodeState.RUNNING);
  }

  @Test
  void deleteNodes_destroyGuardFails_forced_goesOn() {
    create(spec(r -> r.service("destroy", "d")));
    h.commands.on("destroy").exit(1);
    Cluster after = h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-3").forced());
    assertThat(after.node("demo-worker-3")).isEmpty();
    assertThat(h.stages())
        .contains(
            "destroy (guard) (order 0): destroy@demo-worker-3=1",
            "stop (order 1): stop@demo-worker-3=0",
            "delete resources: -demo-worker-3");
  }

  @Test
  void deleteNodes_postStopDestroy_runsAfterStop_severalNodesAtOnce() {
    Cluster c =
        create(spec(r -> r.count(4).service("destroy", s -> s.cmd("d").postStopService(true))));
    h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-4", "demo-worker-2"));
    assertThat(h.stages())
        .containsSubsequence(
            "scale_in (order 0): scale_in@demo-worker-1=0 scale_in@demo-worker-3=0",
            "stop (order 1): stop@demo-worker-2=0 stop@demo-worker-4=0",
            "destroy (order 0): destroy@demo-worker-2=0 destroy@demo-worker-4=0",
            "delete resources: -demo-worker-2 -demo-worker-4");
    assertThat(h.engine.get(c.id()).nodes("worker"))
        .extracting(Node::id)
        .containsExactly("demo-worker-1", "demo-worker-3");
  }

  @Test
  void deleteNodes_preCheckFails_refusedBeforeAnythingChanges() {
    Cluster c = create(spec(r -> {}));
    int commits = h.metadata.commitCount();
    h.commands.on("scale_in.pre_check").exit(1);
    assertThatThrownBy(() -> h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-3")))
        .isInstanceOfSatisfying(
            OperationFailedException.class, e -> assertThat(e.operation().refused()).isTrue());
    assertThat(h.metadata.commits().subList(commits, h.metadata.commitCount()))
        .allSatisfy(change -> assertThat(change.puts()).isEmpty());
    assertThat(h.engine.get(c.id()).nodes("worker")).hasSize(3);
  }

  @Test
  void deleteNodes_badInput_refusedBeforeAnythingChanges() {
    create(spec(r -> {}));
    int runs = h.commands.runs().size();
    assertThatThrownBy(
            () -> h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-1", "demo-worker-2")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("under its min_nodes of 2");
    assertThatThrownBy(() -> h.engine.deleteNodes(DeleteNodes.of("demo", "demo-master-1")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("scale_horizontal");
    assertThatThrownBy(() -> h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-9")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("demo-worker-9");
    assertThatThrownBy(() -> h.engine.deleteNodes(DeleteNodes.of("demo")))
        .isInstanceOf(ValidationException.class);
    assertThat(h.commands.runs()).hasSize(runs);
  }

  @Test
  void metadataStore_seesOneTransactionPerPublishStep() {
    Cluster c = create(spec(r -> {}));
    h.engine.addNodes(AddNodes.of("demo", "worker", 2));
    h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-1", "demo-worker-5"));
    h.engine.delete(DeleteCluster.of("demo"));
    long metadataSteps =
        h.engine.operations(c.id()).stream()
            .mapToLong(op -> op.plan().steps().filter(s -> s instanceof MetadataStep).count())
            .sum();
    assertThat(metadataSteps).isEqualTo(1 + 2 + 3 + 1);
    assertThat(h.metadata.commitCount()).isEqualTo((int) metadataSteps);
  }

  @Test
  void secondOperation_waitsForTheFirst_thenConflictsAtItsTimeout() throws Exception {
    create(spec(r -> {}));
    h.commands.on("scale_out").latency(Duration.ofSeconds(2));
    CompletableFuture<Operation> first = h.engine.submit(AddNodes.of("demo", "worker", 1));
    h.commands.whenStarted(run -> run.service().equals("scale_out")).get(10, TimeUnit.SECONDS);
    CompletableFuture<Operation> second =
        h.engine.submit(AddNodes.of("demo", "worker", 1).withTimeout(Duration.ofMillis(300)));
    assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConflictException.class)
        .hasMessageContaining(first.isDone() ? "" : "busy");
    assertThat(first.get(10, TimeUnit.SECONDS).state()).isEqualTo(OperationState.SUCCEEDED);
    // a third one with room to wait runs after the first
    h.commands.clearRules();
    assertThat(h.engine.addNodes(AddNodes.of("demo", "worker", 1)).nodes("worker")).hasSize(5);
  }

  @Test
  void operationRecordedByAnotherEngine_makesTheClusterBusy_untilItEnds() throws Exception {
    Cluster c = create(spec(r -> {}));
    // another engine sharing the store has an operation under way on the cluster
    Cluster busy =
        h.store
            .put(
                c.toBuilder()
                    .state(ClusterState.SCALING)
                    .operation("op-elsewhere")
                    .lease(
                        java.util.Optional.of(
                            new io.clusterlifecycle.api.model.Lease(
                                "engine-2",
                                "another-host",
                                1,
                                java.time.Instant.now().plus(Duration.ofMinutes(5)))))
                    .build())
            .join();
    assertThatThrownBy(
            () ->
                h.engine.addNodes(
                    AddNodes.of("demo", "worker", 1).withTimeout(Duration.ofMillis(400))))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.busyOperation()).isEqualTo("op-elsewhere");
              assertThat(e.getMessage()).contains("busy with operation op-elsewhere");
            });
    assertThat(h.resources.createCount("demo-worker-4")).isZero();
    // it ends while a second request waits: the second one then runs
    CompletableFuture<Operation> waiting =
        h.engine.submit(AddNodes.of("demo", "worker", 1).withTimeout(Duration.ofSeconds(10)));
    assertThatThrownBy(() -> waiting.get(300, TimeUnit.MILLISECONDS))
        .isInstanceOf(java.util.concurrent.TimeoutException.class);
    h.store
        .put(
            busy.toBuilder()
                .state(ClusterState.RUNNING)
                .operation("")
                .lease(java.util.Optional.empty())
                .build())
        .join();
    assertThat(waiting.get(10, TimeUnit.SECONDS).state()).isEqualTo(OperationState.SUCCEEDED);
    assertThat(h.engine.get(c.id()).nodes("worker")).hasSize(4);
  }

  @Test
  void twoEnginesSharingTheStores_serialiseOperationsOnOneCluster() throws Exception {
    Cluster c = create(spec(r -> {}));
    io.clusterlifecycle.testkit.RecordingEventListener otherEvents =
        new io.clusterlifecycle.testkit.RecordingEventListener();
    try (io.clusterlifecycle.core.LifecycleEngine other =
        io.clusterlifecycle.core.LifecycleEngine.builder()
            .resourceProvider(h.resources)
            .commandExecutor(h.commands)
            .metadataStore(h.metadata)
            .clusterStore(h.store)
            .eventListener(otherEvents)
            .scheduler(h.scheduler)
            .build()) {
      h.commands.on("scale_out").latency(Duration.ofMillis(200));
      h.events.clear();
      CompletableFuture<Operation> a = h.engine.submit(AddNodes.of("demo", "worker", 1));
      CompletableFuture<Operation> b = other.submit(AddNodes.of("demo", "worker", 1));
      assertThat(a.get(20, TimeUnit.SECONDS).state()).isEqualTo(OperationState.SUCCEEDED);
      assertThat(b.get(20, TimeUnit.SECONDS).state()).isEqualTo(OperationState.SUCCEEDED);
      java.time.Instant[] ia = interval(h.events.events());
      java.time.Instant[] ib = interval(otherEvents.events());
      assertThat(!ia[1].isAfter(ib[0]) || !ib[1].isAfter(ia[0]))
          .as("operation intervals %s and %s do not overlap", List.of(ia), List.of(ib))
          .isTrue();
    }
    assertThat(h.engine.get(c.id()).nodes("worker"))
        .extracting(Node::id)
        .containsExactly(
            "demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-worker-4", "demo-worker-5");
    assertThat(h.resources.resources(c.id())).hasSize(7);
  }

  private static java.time.Instant[] interval(
      List<io.clusterlifecycle.api.event.LifecycleEvent> es) {
    java.time.Instant start =
        es.stream()
            .filter(e -> e.event() == io.clusterlifecycle.api.event.EventType.OPERATION_STARTED)
            .findFirst()
            .orElseThrow()
            .ts();
    java.time.Instant end =
        es.stream()
            .filter(e -> e.event() == io.clusterlifecycle.api.event.EventType.OPERATION_SUCCEEDED)
            .findFirst()
            .orElseThrow()
            .ts();
    return new java.time.Instant[] {start, end};
  }

  @Test
  void deleteNodes_failureAfterPublishing_failsScaling_andStillRemovesDeletingHosts() {
    Cluster c = create(spec(r -> {}));
    h.commands.on("stop").forNode("demo-worker-3").exit(5);
    assertThatThrownBy(() -> h.engine.deleteNodes(DeleteNodes.of("demo", "demo-worker-3")))
        .isInstanceOfSatisfying(
            OperationFailedException.class, e -> assertThat(e.operation().refused()).isFalse());
    assertThat(h.stages())
        .containsSubsequence(
            "stop (order 1): stop@demo-worker-3=5 !", "remove /deleting-hosts: del");
    assertThat(h.stages()).noneMatch(line -> line.startsWith("delete resources"));
    assertThat(h.engine.get(c.id()).state()).isEqualTo(ClusterState.FAILED_SCALING);
    assertThat(h.metadata.get(root(c) + "/deleting-hosts").join()).isEmpty();
    assertThat(h.resources.resources(c.id())).hasSize(5);
  }

  @Test
  void create_withAnEnvKeyTheSpecDoesNotHave_isBadInput_andWritesNothing() {
    AppSpec spec = spec(r -> {}).toBuilder().env("replication", "3").build();

    assertThatThrownBy(
            () ->
                h.engine.create(CreateCluster.builder(spec, "demo").env("replicaton", "2").build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("env.replicaton")
        .hasMessageContaining("no key 'replicaton' to override; its keys are replication");
    assertThat(h.store.putCount()).isZero();
    assertThat(
            h.engine
                .create(CreateCluster.builder(spec, "demo").env("replication", "2").build())
                .env())
        .containsEntry("replication", "2");
  }

  @Test
  void create_sameNameTwice_isAConflict_andBadSpecOrCountIsValidation() {
    create(spec(r -> {}));
    assertThatThrownBy(() -> create(spec(r -> {})))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already exists");
    assertThatThrownBy(
            () -> h.engine.create(CreateCluster.builder(spec(r -> {}), "Bad_Name").build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(
            () ->
                h.engine.create(
                    CreateCluster.builder(spec(r -> {}), "other").count("worker", 7).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("[2, 6]");
    assertThatThrownBy(
            () ->
                h.engine.create(
                    CreateCluster.builder(spec(r -> {}), "other").count("ghost", 1).build()))
        .isInstanceOf(ValidationException.class);
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).hasSize(1);
  }
}
