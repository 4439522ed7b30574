package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.CommandRun;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.VirtualClock;
import io.clusterlifecycle.testkit.VirtualScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An engine on the testkit's virtual time: waits of hours between batches pass in milliseconds, at
 * the virtual times they would have had, leases renewed along the way.
 */
class VirtualTimeTest {
  private final Harness h = new Harness();
  private final VirtualClock clock = new VirtualClock();
  private final VirtualScheduler scheduler = VirtualScheduler.on(clock);
  private final java.util.concurrent.ExecutorService pool =
      java.util.concurrent.Executors.newFixedThreadPool(4);
  private final ScriptedCommandExecutor commands =
      ScriptedCommandExecutor.builder().scheduler(scheduler).clock(clock).build();
  private final LifecycleEngine engine =
      h.engine(
          b ->
              b.clock(clock)
                  .scheduler(scheduler)
                  .executor(scheduler.tracking(pool))
                  .commandExecutor(commands)
                  .resourceProvider(
                      InMemoryResourceProvider.builder().scheduler(scheduler).build()));

  @AfterEach
  void close() {
    engine.close();
    scheduler.close();
    pool.shutdownNow();
    h.close();
  }

  /** Submits on this thread while holding time still, then waits while time moves. */
  private Operation run(io.clusterlifecycle.api.request.OperationRequest request) {
    return scheduler.holding(() -> engine.submit(request)).join();
  }

  @Test
  void aRestartInBatchesAnHourApart_takesThreeVirtualHoursAndMilliseconds() {
    run(CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo").build());
    long began = System.nanoTime();

    Operation restart =
        run(
            RestartCluster.of("demo")
                .inBatches(2, Duration.ofHours(1))
                .withTimeout(Duration.ofHours(5)));

    assertThat(restart.state()).isEqualTo(OperationState.SUCCEEDED);
    Duration took = Duration.between(restart.createdAt(), restart.endedAt().orElseThrow());
    assertThat(took).isBetween(Duration.ofHours(2), Duration.ofHours(3));
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
    // the batches' starts are an hour of virtual time apart, each batch's at one instant
    List<java.time.Instant> batches =
        commands.runs("start").stream()
            .map(CommandRun::startedAt)
            .filter(t -> !t.isBefore(restart.createdAt()))
            .distinct()
            .sorted()
            .toList();
    assertThat(batches).hasSizeGreaterThanOrEqualTo(2);
    for (int i = 1; i < batches.size(); i++) {
      assertThat(Duration.between(batches.get(i - 1), batches.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofHours(1))
          .isLessThan(Duration.ofHours(1).plusMinutes(1));
    }
    assertThat(engine.get("demo").lease()).isEmpty();
  }

  @Test
  void aRoleActionOneNodeAnHour_actsOnEachNodeAnHourAfterTheLast() {
    run(CreateCluster.builder(RoleActionTest.spec(), "s").build());
    long began = System.nanoTime();

    run(
        io.clusterlifecycle.api.request.RoleAction.builder(
                "s", "db", io.clusterlifecycle.api.state.NodeAction.SUSPEND)
            .number(1)
            .period(Duration.ofHours(1))
            .timeout(Duration.ofHours(4))
            .build());

    List<java.time.Instant> acted =
        h.events.events(io.clusterlifecycle.api.event.EventType.NODE_ACTED).stream()
            .map(io.clusterlifecycle.api.event.LifecycleEvent::ts)
            .toList();
    assertThat(acted).hasSize(3);
    assertThat(Duration.between(acted.get(0), acted.get(1))).isEqualTo(Duration.ofHours(1));
    assertThat(Duration.between(acted.get(1), acted.get(2))).isEqualTo(Duration.ofHours(1));
    assertThat(engine.get("s").nodes("db"))
        .extracting(io.clusterlifecycle.api.model.Node::state)
        .containsOnly(io.clusterlifecycle.api.state.NodeState.SUSPENDED);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
  }
}
