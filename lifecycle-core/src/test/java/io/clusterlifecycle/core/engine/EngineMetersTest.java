package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.internal.metrics.EngineMeters;
import io.clusterlifecycle.testkit.VirtualClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's meters (docs/design.md §8.1), read off a {@link SimpleMeterRegistry}. */
class EngineMetersTest {
  private final Harness h = new Harness();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void close() {
    h.close();
  }

  private static AppSpec spec() {
    return AppSpec.builder("db", "1.0")
        .role("db", r -> r.count(2).service("start", "s").service("ping", "p").service("slow", "w"))
        .build();
  }

  @Test
  void operationsCommandsAndSteps_areCountedAndTimed_byTypeAndOutcome() {
    LifecycleEngine engine = h.engine(b -> b.meterRegistry(meters));
    Cluster c = engine.create(CreateCluster.builder(spec(), "metered").build());
    engine.execute(RunService.of(c.id(), "ping"));
    h.commands.on("ping").forNode(c.nodes().get(0).id()).exit(3);
    assertThatThrownBy(() -> engine.execute(RunService.of(c.id(), "ping")))
        .isInstanceOf(OperationFailedException.class);

    assertThat(timer("lifecycle.operation", "type", "create", "outcome", "succeeded").count())
        .isOne();
    assertThat(timer("lifecycle.operation", "type", "run_service", "outcome", "succeeded").count())
        .isOne();
    assertThat(timer("lifecycle.operation", "type", "run_service", "outcome", "failed").count())
        .isOne();
    assertThat(timer("lifecycle.command", "service", "start", "outcome", "ok").count())
        .isEqualTo(2);
    assertThat(timer("lifecycle.command", "service", "ping", "outcome", "ok").count()).isEqualTo(3);
    assertThat(timer("lifecycle.command", "service", "ping", "outcome", "nonzero").count()).isOne();
    assertThat(counter("lifecycle.steps", "outcome", "failed")).isOne();
    assertThat(counter("lifecycle.steps", "outcome", "ok")).isGreaterThan(6);
    assertThat(gauge("lifecycle.steps.active")).isZero();
    assertThat(gauge("lifecycle.commands.active")).isZero();
    assertThat(gauge("lifecycle.leases.held")).isZero();
    assertThat(
            meters.get("lifecycle.store.calls").tags("store", "cluster", "method", "put").timer())
        .satisfies(t -> assertThat(t.count()).isPositive());
    assertThat(
            meters.get("lifecycle.store.calls").tags("store", "metadata", "outcome", "ok").timers())
        .isNotEmpty();
    engine.close();
  }

  @Test
  void whileAnOperationRuns_itsLeaseCommandsAndStepsAreInFlight() throws Exception {
    LifecycleEngine engine = h.engine(b -> b.meterRegistry(meters));
    Cluster c = engine.create(CreateCluster.builder(spec(), "metered").build());
    h.commands.on("slow").hang().times(2);

    CompletableFuture<?> slow = engine.submit(RunService.of(c.id(), "slow"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> h.commands.inFlight() == 2 && gauge("lifecycle.commands.active") == 2);
    assertThat(gauge("lifecycle.leases.held")).isOne();
    assertThat(gauge("lifecycle.steps.active")).isEqualTo(2);
    assertThat(
            meters
                .get(EngineMeters.OPERATION + ".active")
                .tags("type", "run_service")
                .longTaskTimer()
                .activeTasks())
        .isOne();

    engine.cancel(c.id());
    slow.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
    assertThat(gauge("lifecycle.leases.held")).isZero();
    assertThat(gauge("lifecycle.commands.active")).isZero();
    assertThat(timer("lifecycle.operation", "type", "run_service", "outcome", "cancelled").count())
        .isOne();
    engine.close();
  }

  @Test
  void retriesOfTransientStoreFailures_areCounted() {
    LifecycleEngine engine = h.engine(b -> b.meterRegistry(meters));
    h.store.failPut(x -> true, new TransientSpiException("store hiccup", null)).times(2);

    engine.create(CreateCluster.builder(spec(), "metered").build());

    assertThat(meters.get("lifecycle.retries").counter().count()).isEqualTo(2);
    engine.close();
  }

  @Test
  void anOperationTakenOver_isCounted() throws Exception {
    LifecycleEngine a = h.dyingCreate(x -> x.host("host-a")).engine();
    VirtualClock clock = VirtualClock.at(java.time.Instant.now());
    LifecycleEngine b =
        h.engine(
            x -> x.clock(clock).takeOverInterrupted(Duration.ofMillis(20)).meterRegistry(meters));

    clock.advance(Duration.ofSeconds(6));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> meters.find("lifecycle.takeovers").tags("outcome", "ok").counter() != null);
    assertThat(counter("lifecycle.takeovers", "outcome", "ok")).isOne();
    assertThat(timer("lifecycle.operation", "type", "create", "resumed", "true").count()).isOne();
    b.close();
    a.close();
  }

  @Test
  void operations_areObservations_forAnObservationRegistry() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    LifecycleEngine engine = h.engine(b -> b.observationRegistry(observations));

    engine.create(CreateCluster.builder(spec(), "observed").build());

    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo("lifecycle.operation")
        .that()
        .hasLowCardinalityKeyValue("type", "create")
        .hasLowCardinalityKeyValue("outcome", "succeeded")
        .hasLowCardinalityKeyValue("resumed", "false")
        .hasBeenStarted()
        .hasBeenStopped();
    engine.close();
  }

  private Timer timer(String name, String... tags) {
    return meters.get(name).tags(tags).timer();
  }

  private double counter(String name, String... tags) {
    Counter c = meters.get(name).tags(tags).counter();
    return c.count();
  }

  private double gauge(String name) {
    Gauge g = meters.get(name).gauge();
    return g.value();
  }
}
