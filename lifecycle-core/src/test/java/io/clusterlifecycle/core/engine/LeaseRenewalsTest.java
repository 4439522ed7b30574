package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.LeaseRenewals;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.Simulator;
import io.clusterlifecycle.testkit.SpiMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LifecycleEngine#leaseRenewals()}: a lease whose renewals do not get through for two
 * periods is reported behind, and is no longer once one does; a lease leaves the report when its
 * operation ends.
 */
class LeaseRenewalsTest {
  private static final Duration LEASE = Duration.ofMillis(1500);

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final Simulator sim = Simulator.builder().seed(3).scheduler(scheduler).build();
  private final ScriptedCommandExecutor commands =
      ScriptedCommandExecutor.builder().scheduler(scheduler).build();
  private LifecycleEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    scheduler.shutdownNow();
  }

  @Test
  void aLeaseIsBehindWhileItsRenewalsFailAndLeavesTheReportWhenItsOperationEnds() throws Exception {
    engine =
        LifecycleEngine.builder()
            .resourceProvider(InMemoryResourceProvider.builder().scheduler(scheduler).build())
            .commandExecutor(commands)
            .metadataStore(new InMemoryMetadataStore())
            .clusterStore(sim.wrap(new InMemoryClusterStore()))
            .leaseDuration(LEASE)
            .build();
    Cluster c =
        engine.create(
            CreateCluster.builder(
                    AppSpec.builder("db", "1.0")
                        .role(
                            "db",
                            r ->
                                r.count(1)
                                    .service("start", "s")
                                    .service("stop", "x")
                                    .service("slow", "sleep"))
                        .build(),
                    "demo")
                .build());
    assertThat(engine.leaseRenewals().renewing()).isZero();
    commands.on("slow").latency(Duration.ofSeconds(5));
    CompletableFuture<Operation> slow = engine.submit(RunService.of(c.id(), "slow"));
    commands.whenStarted(run -> run.service().equals("slow")).get(30, TimeUnit.SECONDS);
    LeaseRenewals running = engine.leaseRenewals();
    assertThat(running.renewing()).isEqualTo(1);
    assertThat(running.healthy()).isTrue();

    sim.permanentFailures(List.of(SpiMethod.STORE_PUT, SpiMethod.STORE_WRITE), 1.0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engine.leaseRenewals().behind().equals(List.of(c.id())));
    assertThat(engine.leaseRenewals().healthy()).isFalse();

    sim.clearFaults();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.leaseRenewals().healthy());
    assertThat(slow.get(30, TimeUnit.SECONDS).state()).isEqualTo(OperationState.SUCCEEDED);
    assertThat(engine.leaseRenewals().renewing()).isZero();
  }
}
