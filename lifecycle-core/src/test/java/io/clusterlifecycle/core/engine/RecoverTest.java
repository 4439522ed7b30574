package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.CommandRun;
import io.clusterlifecycle.testkit.ResourceCall;
import io.clusterlifecycle.testkit.VirtualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Journal, resume, recover, takeover, retries and timeouts (docs/design.md §5, §6.12 and §7). */
class RecoverTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  Cluster create() {
    return h.engine.create(CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo").build());
  }

  long runs(String service, String node) {
    return h.commands.runs(service).stream().filter(r -> r.nodeId().equals(node)).count();
  }

  @Test
  void everyStep_isJournaledStartedThenSucceeded() {
    Cluster c = create();
    Operation op = h.engine.operations(c.id()).get(0);
    List<JournalEntry> journal = h.store.journal(op.id()).join();
    long steps = op.plan().steps().count();
    assertThat(journal).hasSize((int) (2 * steps));
    op.plan()
        .steps()
        .forEach(
            step ->
                assertThat(
                        journal.stream()
                            .filter(e -> e.stepId().equals(step.id()))
                            .map(JournalEntry::status))
                    .containsExactly(JournalEntry.Status.STARTED, JournalEntry.Status.SUCCEEDED));
  }

  @Test
  void failedCreate_recover_resumesFromTheFirstUnfinishedStep() {
    h.commands.on("start").forNode("demo-worker-2").exit(3).times(1);
    assertThatThrownBy(this::create).isInstanceOf(OperationFailedException.class);
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_DEPLOYING);

    Cluster c = h.engine.recover("demo", LONG);

    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(c.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThat(c.nodes()).allSatisfy(n -> assertThat(h.resources.createCount(n.id())).isOne());
    assertThat(runs("init", "demo-master-1")).isOne();
    assertThat(runs("start", "demo-master-1")).isOne();
    assertThat(runs("start", "demo-worker-2")).isEqualTo(2);
    assertThat(runs("init", "demo-worker-2")).isOne();
    assertThat(h.engine.operations(c.id()))
        .singleElement()
        .extracting(Operation::state)
        .isEqualTo(OperationState.SUCCEEDED);
  }

  @Test
  void aRecoverThatLosesTheRaceForTheRecord_saysAnotherEngineIsRecoveringIt() {
    h.commands.on("start").forNode("demo-worker-2").exit(3).times(1);
    assertThatThrownBy(this::create).isInstanceOf(OperationFailedException.class);
    Cluster failed = h.engine.get("demo");
    // another engine's resume claim lands between this one's read and its compare-and-set
    h.store.failPut(
        c -> c.state() == ClusterState.DEPLOYING,
        new io.clusterlifecycle.api.spi.VersionConflictException(
            failed.id(), failed.version(), failed.version() + 1));

    assertThatThrownBy(() -> h.engine.recover("demo", LONG))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("another engine is recovering cluster demo")
        .hasMessageNotContaining("expected version");
    h.store.clearFaults();
    assertThat(h.engine.recover("demo", LONG).state()).isEqualTo(ClusterState.RUNNING);
  }

  @Test
  void failedNodeCreation_recover_deletesAndRecreatesThatNode() {
    h.resources.failCreate("demo-worker-3", new IllegalStateException("no capacity")).times(1);
    assertThatThrownBy(this::create).isInstanceOf(OperationFailedException.class);
    assertThat(h.engine.get("demo").node("demo-worker-3").orElseThrow().state())
        .isEqualTo(NodeState.FAILED);

    Cluster c = h.engine.recover("demo", LONG);

    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(h.stages().get(0)).isEqualTo("recover: delete failed nodes: -demo-worker-3");
    assertThat(h.resources.callCount(ResourceCall.Method.CREATE, "demo-worker-3")).isEqualTo(2);
    assertThat(h.resources.createCount("demo-worker-1")).isOne();
    assertThat(h.resources.resources(c.id())).hasSize(5);
    assertThat(c.node("demo-worker-3").orElseThrow().address()).isNotEmpty();
  }

  @Test
  void anEngineScanningForInterruptedOperations_takesOneOverOnceItsLeaseLapsed_andOnlyOnce()
      throws Exception {
    // engine A (named host-a in its lease) dies in the middle of "start (order 1)"
    LifecycleEngine a = h.dyingCreate(x -> x.host("host-a")).engine();
    assertThat(h.engine.get("demo").lease())
        .hasValueSatisfying(
            l -> {
              assertThat(l.host()).isEqualTo("host-a");
              assertThat(l.owner()).startsWith("host-a/");
            });

    // B scans every 20 ms on a clock of its own: nothing happens while A's lease holds
    VirtualClock clock = VirtualClock.at(java.time.Instant.now());
    LifecycleEngine b = h.engine(x -> x.clock(clock).takeOverInterrupted(Duration.ofMillis(20)));
    await("nothing while A's lease holds")
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                runs("start", "demo-worker-1") == 1
                    && h.engine.get("demo").state() == ClusterState.DEPLOYING);

    // past the lease, a scan takes the operation over and finishes it, once
    clock.advance(Duration.ofSeconds(6));
    await("taken over within 10 s")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> h.engine.get("demo").state() == ClusterState.RUNNING);
    await("taken over once")
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> runs("start", "demo-worker-1") == 2);
    Cluster c = h.engine.get("demo");
    assertThat(c.lease()).isEmpty();
    assertThat(c.nodes()).allSatisfy(n -> assertThat(h.resources.createCount(n.id())).isOne());
    assertThat(runs("start", "demo-worker-1")).isEqualTo(2);
    assertThat(runs("start", "demo-master-1")).isOne();
    assertThat(h.engine.operations(c.id()))
        .singleElement()
        .extracting(Operation::state)
        .isEqualTo(OperationState.SUCCEEDED);
    b.close();
    a.close();
  }

  @Test
  void recordWritesWhoseRepliesAreLost_countAsStored_whenTheRetryConflictsOnlyWithThemselves() {
    // every other put lands, then fails as transient (a timeout after the write): the engine's
    // retry meets a version conflict with its own first attempt
    java.util.concurrent.atomic.AtomicInteger puts =
        new java.util.concurrent.atomic.AtomicInteger();
    io.clusterlifecycle.api.spi.ClusterStore lossy =
        (io.clusterlifecycle.api.spi.ClusterStore)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {io.clusterlifecycle.api.spi.ClusterStore.class},
                (p, m, args) -> {
                  Object r;
                  try {
                    r = m.invoke(h.store, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                  if (m.getName().equals("put") && puts.incrementAndGet() % 2 == 1) {
                    return ((java.util.concurrent.CompletionStage<?>) r)
                        .thenCompose(
                            x ->
                                CompletableFuture.failedFuture(
                                    new TransientSpiException("reply lost", null)));
                  }
                  return r;
                });
    LifecycleEngine e = h.engine(b -> b.clusterStore(lossy));
    Cluster c = e.create(CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo").build());
    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(puts.get()).isGreaterThan(4);
    c = e.addNodes(AddNodes.of("demo", "worker", 1));
    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(e.operations(c.id()))
        .extracting(Operation::state)
        .containsOnly(OperationState.SUCCEEDED);
    e.close();
  }

  @Test
  void engineHost_mustBeANonEmptyName() {
    assertThatThrownBy(() -> LifecycleEngine.builder().host(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host");
    assertThatThrownBy(() -> LifecycleEngine.builder().takeOverInterrupted(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  @Test
  void interruptedOperation_isTakenOverOnlyAfterItsLeaseLapsed() throws Exception {
    // engine A dies in the middle of "start (order 1)": its scheduler stops, its command hangs
    Harness.Dying died = h.dyingCreate(x -> x);
    LifecycleEngine a = died.engine();
    CompletableFuture<Operation> dying = died.create();
    Cluster interrupted = h.engine.get("demo");
    assertThat(interrupted.state()).isEqualTo(ClusterState.DEPLOYING);
    assertThat(interrupted.lease()).isPresent();

    // another engine in the same process: the owner is alive and its lease has not lapsed
    assertThatThrownBy(() -> h.engine.recover("demo", LONG))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is running in engine");
    // an engine whose clock is past the lease takes the operation over and finishes it
    LifecycleEngine b =
        h.engine(x -> x.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))));
    assertThatThrownBy(() -> b.addNodes(AddNodes.of("demo", "worker", 1)))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("run recover");
    Cluster c = b.recover("demo", LONG);

    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(c.lease()).isEmpty();
    assertThat(c.nodes()).allSatisfy(n -> assertThat(h.resources.createCount(n.id())).isOne());
    assertThat(runs("start", "demo-worker-1")).isEqualTo(2);
    assertThat(runs("start", "demo-master-1")).isOne();
    // the take-over fenced A's hung run, so A's half-dead remains may wake up: they must not
    // report success, nor overwrite what B recorded (their compare-and-set fails)
    assertThat(dying.isDone() && !dying.isCompletedExceptionally())
        .as("the dead engine's operation reports success")
        .isFalse();
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.RUNNING);
    b.close();
    a.close();
  }

  @Test
  void takeOver_fencesTheCommandTheDeadEngineLeftRunning_beforeItRunsItAgain() throws Exception {
    // engine A dies while "start" hangs on worker-1: in the executor, that run is still going
    LifecycleEngine a = h.dyingCreate(x -> x).engine();

    LifecycleEngine b =
        h.engine(x -> x.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))));
    Cluster c = b.recover("demo", LONG);

    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    List<CommandRun> starts =
        h.commands.runs("start").stream().filter(r -> r.nodeId().equals("demo-worker-1")).toList();
    assertThat(starts).hasSize(2);
    // the dead engine's run was ended (killed by the fence) before the second run started
    assertThat(starts.get(0).state()).isEqualTo(CommandRun.State.CANCELLED);
    assertThat(starts.get(0).endSeq()).isLessThan(starts.get(1).startSeq());
    // only the step in doubt was fenced: the steps that had succeeded were not run again
    assertThat(runs("start", "demo-master-1")).isOne();
    b.close();
    a.close();
  }

  @Test
  void crashBetweenTheOperationsEndAndTheClustersEnd_recoverCompletesTheRecord() {
    // the write that would end the cluster's record fails once, as if the engine died there
    h.store
        .failPut(
            c -> c.operation().orElse("").isEmpty() && c.state() == ClusterState.RUNNING,
            new IllegalStateException("engine died"))
        .times(1);
    assertThatThrownBy(this::create).hasMessageContaining("engine died");
    Cluster stuck = h.engine.get("demo");
    assertThat(stuck.operation()).isNotEmpty();
    assertThat(h.engine.operation(stuck.operation().orElse("")).orElseThrow().state())
        .isEqualTo(OperationState.SUCCEEDED);

    Cluster c = h.engine.recover("demo", LONG);

    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(c.operation()).isEmpty();
    assertThat(c.lease()).isEmpty();
    assertThat(c.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
    assertThat(h.engine.operations(c.id()))
        .extracting(Operation::state)
        .containsOnly(OperationState.SUCCEEDED);
    assertThat(h.commands.runs("start")).hasSize(5);
  }

  @Test
  void anEngineBuiltToResumeOnStart_finishesInterruptedOperations() throws Exception {
    Cluster c = create();
    // a record left by an engine that died in the middle of adding a node (no live lease)
    h.engine.addNodes(AddNodes.of("demo", "worker", 1));
    Operation added = h.engine.operations(c.id()).get(1);
    h.store
        .putOperation(
            Operation.builder()
                .id(added.id())
                .clusterId(added.clusterId())
                .type(added.type())
                .state(OperationState.RUNNING)
                .startedFrom(added.startedFrom())
                .plan(added.plan())
                .createdAt(added.createdAt())
                .endedAt(java.util.Optional.empty())
                .error("")
                .refused(false)
                .warnings(List.of())
                .keptVolumes(List.of())
                .build())
        .join();
    Cluster now = h.engine.get(c.id());
    h.store
        .put(
            now.toBuilder()
                .state(ClusterState.SCALING)
                .operation(added.id())
                .lease(java.util.Optional.empty())
                .build())
        .join();

    LifecycleEngine restarted = h.engine(x -> x.resumeInterruptedOnStart(true));
    assertThat(restarted.resumedOnStart()).containsOnlyKeys(c.id());
    Cluster resumed = restarted.resumedOnStart().get(c.id()).get(30, TimeUnit.SECONDS);
    assertThat(resumed.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(resumed.operation()).isEmpty();
    assertThat(h.engine.operation(added.id()).orElseThrow().state())
        .isEqualTo(OperationState.SUCCEEDED);
    assertThat(h.engine(x -> x.resumeInterruptedOnStart(true)).resumedOnStart()).isEmpty();
    restarted.close();
  }

  @Test
  void transientFailures_areRetried_permanentOnesAreNot() {
    h.resources
        .failCreate("demo-worker-1", new TransientSpiException("rate limited", null))
        .times(2);
    Cluster c = create();
    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(h.resources.callCount(ResourceCall.Method.CREATE, "demo-worker-1")).isEqualTo(3);

    h.commands.on("scale_out").fail(new IllegalStateException("no route to host"));
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("demo", "worker", 1)))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("no route to host");
    assertThat(h.commands.runs("scale_out")).hasSize(2);
  }

  @Test
  void operationTimeout_failsWithTimeoutError_andRecoverFinishesIt() {
    h.commands.on("start").forNode("demo-client-1").hang().times(1);
    assertThatThrownBy(
            () ->
                h.engine.create(
                    CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo")
                        .timeout(Duration.ofMillis(600))
                        .build()))
        .isInstanceOf(LifecycleTimeoutException.class)
        .hasMessageContaining("timed out");
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_DEPLOYING);
    Cluster c = h.engine.recover("demo", LONG);
    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(runs("start", "demo-client-1")).isEqualTo(2);
  }

  @Test
  void failedDelete_recoverResumesIt_andRecoverDeleteForcesIt() {
    create();
    h.commands.on("stop").forNode("demo-master-1").exit(1).times(1);
    assertThatThrownBy(() -> h.engine.delete(DeleteCluster.of("demo")))
        .isInstanceOf(OperationFailedException.class);
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_UNDEPLOYING);
    Cluster done = h.engine.recover("demo", LONG);
    assertThat(done.state()).isEqualTo(ClusterState.DONE);
    assertThat(runs("stop", "demo-client-1")).isOne();

    Cluster second =
        h.engine.create(CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo2").build());
    h.commands.on("stop").exit(1);
    assertThatThrownBy(() -> h.engine.delete(DeleteCluster.of("demo2")))
        .isInstanceOf(OperationFailedException.class);
    h.engine.delete(DeleteCluster.of("demo2").forced());
    assertThat(h.engine.get(second.id()).state()).isEqualTo(ClusterState.DONE);
    assertThat(h.resources.resources(second.id())).isEmpty();

    assertThat(h.engine.purgeDone()).isEqualTo(2);
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).isEmpty();
  }

  @Test
  void recover_ofAHealthyCluster_changesNothing_andCooldownEnds() {
    Cluster c = create();
    assertThat(h.engine.recover("demo", LONG)).isEqualTo(c);
    h.store.put(c.toBuilder().state(ClusterState.COOLDOWN).build()).join();
    assertThat(h.engine.recover("demo", LONG).state()).isEqualTo(ClusterState.RUNNING);
  }
}
