package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.core.LifecycleEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reload of dependents is a journaled stage of the target's operation (docs/design.md §15): an
 * engine that dies before it ran leaves it to whoever resumes the operation.
 */
class DependentReloadCrashTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private long reloads(Cluster c) {
    return h.commands.runs("reload").stream().filter(r -> r.clusterId().equals(c.id())).count();
  }

  @Test
  void aDependentsReloadInterruptedByACrash_runsWhenTheTargetsOperationIsRecovered()
      throws Exception {
    Cluster zk =
        h.engine.create(
            CreateCluster.builder(ReleaseSettingsTest.zookeeper("6.1.0", 1), "zk").build());
    AppSpec kafkaSpec = ReleaseSettingsTest.kafka();
    Cluster kafka =
        h.engine.create(
            CreateCluster.builder(kafkaSpec, "kafka").dependency("zookeeper", "zk").build());
    long before = reloads(kafka);

    // engine A dies while zk's own nodes reload, before the stage that reloads kafka
    ScheduledExecutorService dead = Executors.newScheduledThreadPool(1);
    LifecycleEngine a = h.engine(b -> b.scheduler(dead).leaseDuration(Duration.ofSeconds(5)));
    h.commands.on("reload").forNode("zk-zookeeper-1").hang().times(1);
    // A's timers die the moment its command starts, on A's own thread, before A can set any timer
    // for the command: the worst moment for A, every time
    CompletableFuture<Void> died =
        h.commands
            .whenStarted(r -> r.nodeId().equals("zk-zookeeper-1") && r.service().equals("reload"))
            .thenRun(dead::shutdownNow);
    CompletableFuture<Operation> dying =
        a.submit(
            Reconfigure.of(
                "zk", new SettingsChange(Map.of(), Map.of("replicas", 5), Map.of(), Map.of())));
    died.get(10, TimeUnit.SECONDS);
    assertThat(reloads(kafka)).isEqualTo(before);
    Operation interrupted =
        h.engine.operations(zk.id()).get(h.engine.operations(zk.id()).size() - 1);
    assertThat(interrupted.plan().stages())
        .extracting(Stage::name)
        .last()
        .isEqualTo("reload dependents");
    // A's command started before its timers died: A neither fails nor ends the operation for a
    // timer it could not set, it stops, as a dead engine does
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(
            () -> h.engine.operation(interrupted.id()).orElseThrow().state(),
            s -> s == OperationState.RUNNING);

    // B, past A's lease, resumes zk's operation, and with it the reload of kafka
    LifecycleEngine b =
        h.engine(x -> x.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))));
    b.recover("zk", Duration.ofSeconds(30));
    assertThat(reloads(kafka) - before).isEqualTo(2);
    assertThat(
            h.metadata.value(
                "/clusters/" + kafka.id() + "/links/zookeeper/env/appConfig/zookeeper/replicas"))
        .contains("5");
    assertThat(h.engine.operation(interrupted.id()).orElseThrow().state())
        .isEqualTo(OperationState.SUCCEEDED);
    assertThat(h.engine.operations(kafka.id()))
        .extracting(o -> o.type().name() + " " + o.state())
        .containsExactly("CREATE SUCCEEDED", "UPDATE_CONFIG SUCCEEDED");
    assertThat(dying.isDone() && !dying.isCompletedExceptionally()).isFalse();
    b.close();
    a.close();
  }
}
