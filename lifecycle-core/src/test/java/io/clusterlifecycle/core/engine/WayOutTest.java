package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.CommandRun;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every failed state has a way out (docs/design.md §7.8): a failed custom action does not block the
 * other operations, skip-failed gives a failed operation up, cancel stops one under way.
 */
class WayOutTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private Cluster create() {
    return h.engine.create(
        CreateCluster.builder(
                EngineFlowsTest.spec(r -> r.service("rebalance", s -> s.cmd("rb"))), "demo")
            .build());
  }

  private Cluster failedRebalance() {
    create();
    h.commands.on("rebalance").exit(3);
    assertThatThrownBy(() -> h.engine.execute(RunService.of("demo", "rebalance")))
        .isInstanceOf(OperationFailedException.class);
    Cluster failed = h.engine.get("demo");
    assertThat(failed.state()).isEqualTo(ClusterState.FAILED_UPDATING);
    return failed;
  }

  private long runs(String service) {
    return h.commands.runs(service).size();
  }

  @Test
  void aFailedCustomAction_doesNotBlockRestartStopOrAnotherRun() {
    failedRebalance();

    h.engine.execute(RestartCluster.of("demo"));
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.RUNNING);

    failedRebalance_again();
    h.engine.execute(StopCluster.of("demo"));
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.STOPPED);
  }

  @Test
  void afterAFailedStop_onlyStopStartUpgradeOrRollback_mayFollow() {
    create();
    h.commands.on("stop").exit(3);
    assertThatThrownBy(() -> h.engine.execute(StopCluster.of("demo")))
        .isInstanceOf(OperationFailedException.class);
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_UPDATING);
    long rebalances = runs("rebalance");

    assertThatThrownBy(() -> h.engine.execute(RunService.of("demo", "rebalance")))
        .isInstanceOf(IllegalStateTransitionException.class)
        .hasMessageContaining("after a failed stop")
        .hasMessageContaining("recover it, stop or start it");
    assertThatThrownBy(() -> h.engine.execute(RestartCluster.of("demo")))
        .isInstanceOf(IllegalStateTransitionException.class);
    assertThat(runs("rebalance")).isEqualTo(rebalances);
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_UPDATING);

    h.commands.clearRules();
    h.engine.execute(StopCluster.of("demo"));
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.STOPPED);
  }

  private void failedRebalance_again() {
    assertThatThrownBy(() -> h.engine.execute(RunService.of("demo", "rebalance")))
        .isInstanceOf(OperationFailedException.class);
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_UPDATING);
  }

  @Test
  void skipFailed_givesTheFailedActionUp_andRecoverNoLongerRerunsIt() {
    Cluster failed = failedRebalance();
    long rebalances = runs("rebalance");

    Cluster skipped = h.engine.skipFailed("demo", LONG);

    assertThat(skipped.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(skipped.operation()).isEmpty();
    assertThat(skipped.nodes())
        .hasSameSizeAs(failed.nodes())
        .allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.RUNNING));
    Operation given = h.engine.operations("demo").get(1);
    assertThat(given.type()).isEqualTo(OperationType.RUN_SERVICE);
    assertThat(given.state()).isEqualTo(OperationState.CANCELLED);
    assertThat(given.error()).hasValueSatisfying(e -> assertThat(e).startsWith("given up by"));

    assertThat(h.engine.recover("demo", LONG).state()).isEqualTo(ClusterState.RUNNING);
    assertThat(runs("rebalance")).isEqualTo(rebalances);
    // a healthy cluster has nothing to give up
    assertThat(h.engine.skipFailed("demo", LONG)).isEqualTo(h.engine.get("demo"));
  }

  @Test
  void skipFailed_afterAFailedCreate_keepsTheNodesThatExist_andDropsTheOthers() {
    h.resources.failCreate("demo-worker-2", new IllegalStateException("quota exceeded"));
    assertThatThrownBy(this::create).isInstanceOf(OperationFailedException.class);
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_DEPLOYING);

    Cluster skipped = h.engine.skipFailed("demo", LONG);

    assertThat(skipped.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(skipped.nodes()).extracting(Node::id).doesNotContain("demo-worker-2");
    assertThat(skipped.nodes())
        .allSatisfy(
            n -> {
              assertThat(n.state()).isEqualTo(NodeState.RUNNING);
              assertThat(h.resources.createCount(n.id())).isOne();
            });
  }

  @Test
  void cancel_inTheEngineRunningIt_stopsLaunching_killsWhatRuns_andRecoverResumesIt()
      throws Exception {
    h.commands.on("start").forNode("demo-worker-1").hang().times(1);
    CompletableFuture<Operation> creating =
        h.engine.submit(CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo").build());
    h.commands
        .whenStarted(r -> r.nodeId().equals("demo-worker-1") && r.service().equals("start"))
        .get(10, TimeUnit.SECONDS);

    Operation cancelled = h.engine.cancel("demo");

    assertThat(cancelled.state()).isEqualTo(OperationState.CANCELLED);
    assertThat(cancelled.error()).hasValueSatisfying(e -> assertThat(e).startsWith("cancelled by"));
    // the submitter's future follows the operation's end on the engine's executor: wait for it
    assertThat(creating).failsWithin(Duration.ofSeconds(10));
    Cluster c = h.engine.get("demo");
    assertThat(c.state()).isEqualTo(ClusterState.FAILED_DEPLOYING);
    assertThat(c.operation()).isEmpty();
    List<CommandRun> hung =
        h.commands.runs("start").stream().filter(r -> r.nodeId().equals("demo-worker-1")).toList();
    assertThat(hung)
        .singleElement()
        .extracting(CommandRun::state)
        .isEqualTo(CommandRun.State.CANCELLED);
    // the client's start (order 2) comes after the workers' (order 1): it was never launched
    assertThat(h.commands.runs("start").stream().filter(r -> r.nodeId().equals("demo-client-1")))
        .isEmpty();

    Cluster resumed = h.engine.recover("demo", LONG);
    assertThat(resumed.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(h.engine.operations("demo"))
        .singleElement()
        .extracting(Operation::state)
        .isEqualTo(OperationState.SUCCEEDED);
  }

  @Test
  void cancel_ofAnOperationWhoseEngineIsGone_fencesItsCommands_andEndsIt() throws Exception {
    Harness.Dying died = h.dyingCreate(x -> x);
    LifecycleEngine a = died.engine();
    CompletableFuture<Operation> dying = died.create();

    // while A's lease holds, cancel belongs to A
    assertThatThrownBy(() -> h.engine.cancel("demo"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("cancel it in that engine");

    LifecycleEngine b =
        h.engine(x -> x.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))));
    Operation cancelled = b.cancel("demo");

    assertThat(cancelled.state()).isEqualTo(OperationState.CANCELLED);
    assertThat(h.engine.get("demo").state()).isEqualTo(ClusterState.FAILED_DEPLOYING);
    assertThat(h.commands.runs("start").stream().filter(r -> r.nodeId().equals("demo-worker-1")))
        .singleElement()
        .extracting(CommandRun::state)
        .isEqualTo(CommandRun.State.CANCELLED);
    // A's remains, woken by the fence, lost the record to B: they never report success
    assertThat(dying.isDone() && !dying.isCompletedExceptionally()).isFalse();
    assertThat(h.engine.operations("demo"))
        .singleElement()
        .extracting(Operation::state)
        .isEqualTo(OperationState.CANCELLED);
    b.close();
    a.close();
  }

  @Test
  void cancel_withNothingUnderWay_isAConflict() {
    create();
    assertThatThrownBy(() -> h.engine.cancel("demo"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("has no operation under way to cancel");
  }
}
