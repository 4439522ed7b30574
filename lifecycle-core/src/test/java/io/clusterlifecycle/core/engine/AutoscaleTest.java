package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.ElasticScale;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ElasticityPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ScalingType;
import io.clusterlifecycle.api.spec.ScheduledPolicy;
import io.clusterlifecycle.api.spi.MetricsSource;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.VirtualClock;
import io.clusterlifecycle.testkit.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Elasticity and scheduled policies (docs/design.md §6.14) run by the engine's autoscaler on
 * virtual time: periods, cooldowns and cron times of hours pass in a second of real time.
 */
class AutoscaleTest {
  private static final Duration TICK = Duration.ofSeconds(15);
  private final Harness h = new Harness();
  private final VirtualClock clock = VirtualClock.at(Instant.parse("2026-03-02T07:00:00Z"));
  private final VirtualScheduler scheduler = VirtualScheduler.on(clock, Duration.ofMillis(5));
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ScriptedCommandExecutor commands =
      ScriptedCommandExecutor.builder().scheduler(scheduler).clock(clock).build();
  private final InMemoryResourceProvider resources =
      InMemoryResourceProvider.builder().scheduler(scheduler).build();
  private final Cpu cpu = new Cpu();
  private final List<LifecycleEngine> engines = new ArrayList<>();

  /** A metrics source reporting a CPU figure the test sets. */
  static final class Cpu implements MetricsSource {
    volatile double value = 50;

    @Override
    public CompletionStage<Map<String, Double>> sample(Cluster cluster, String role) {
      return CompletableFuture.completedFuture(Map.of("CPU", value));
    }

    @Override
    public Set<String> unknown(RoleSpec role, Set<String> metrics) {
      Set<String> out = new java.util.TreeSet<>(metrics);
      out.remove("CPU");
      return out;
    }
  }

  @AfterEach
  void close() {
    engines.forEach(LifecycleEngine::close);
    scheduler.close();
    pool.shutdownNow();
    h.close();
  }

  private LifecycleEngine engine(Consumer<LifecycleEngineBuilder> tweak) {
    LifecycleEngine e =
        h.engine(
            b -> {
              b.clock(clock)
                  .scheduler(scheduler)
                  .executor(scheduler.tracking(pool))
                  .commandExecutor(commands)
                  .resourceProvider(resources)
                  .metricsSource(cpu);
              tweak.accept(b);
              return b;
            });
    engines.add(e);
    return e;
  }

  private static AppSpec spec(Consumer<RoleSpec.Builder> policies) {
    return EngineFlowsTest.spec(policies::accept);
  }

  private static ElasticityPolicy policy(String expression, int adjust) {
    return ElasticityPolicy.builder(expression, adjust)
        .periodNumber(2)
        .period(Duration.ofSeconds(60))
        .cooldown(Duration.ofMinutes(5))
        .build();
  }

  private Operation run(LifecycleEngine engine, OperationRequest request) {
    return scheduler.holding(() -> engine.submit(request)).join();
  }

  /** Creates cluster "demo" of {@link EngineFlowsTest#spec} with the workers' policies. */
  private Operation create(LifecycleEngine engine, Consumer<RoleSpec.Builder> policies) {
    return run(engine, CreateCluster.builder(spec(policies), "demo").build());
  }

  private Cluster demo(LifecycleEngine engine) {
    return engine.get("demo");
  }

  private List<String> trace() {
    return h.events.events(EventType.STATE_CHANGED).stream()
        .filter(e -> e.operation().isEmpty() || e.opType().orElse(null) != OperationType.CREATE)
        .map(e -> e.from().orElse("") + "->" + e.to().orElse(""))
        .toList();
  }

  @Test
  void scalesUpAndDownWithCooldown_tracedThroughScalingAndCooldown() {
    LifecycleEngine engine = engine(b -> b.autoscaleEvery(TICK));
    create(
        engine,
        r -> r.elasticityPolicy(policy("CPU > 80", 1)).elasticityPolicy(policy("CPU < 20", -1)));
    assertThat(demo(engine).nodes("worker")).hasSize(3);

    cpu.value = 90;
    await().atMost(Duration.ofSeconds(30)).until(() -> demo(engine).nodes("worker").size() == 4);
    cpu.value = 50;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> demo(engine).state() == ClusterState.RUNNING);
    assertThat(trace())
        .containsExactly("RUNNING->SCALING", "SCALING->COOLDOWN", "COOLDOWN->RUNNING");

    // the cooldown lasted the policy's five minutes (to within one autoscaler round)
    List<LifecycleEvent> states = h.events.events(EventType.STATE_CHANGED);
    Instant cooled = at(states, "SCALING", "COOLDOWN");
    Instant ran = at(states, "COOLDOWN", "RUNNING");
    assertThat(Duration.between(cooled, ran))
        .isBetween(Duration.ofMinutes(5), Duration.ofMinutes(5).plus(TICK));
    // the condition had to hold for two periods of a minute
    Instant fired = h.events.events(EventType.POLICY_FIRED).get(0).ts();
    assertThat(h.events.events(EventType.POLICY_FIRED).get(0).message().orElseThrow())
        .isEqualTo("elasticity policy 0 (CPU > 80) held for 2 periods: role worker 3 -> 4 nodes");

    cpu.value = 10;
    await().atMost(Duration.ofSeconds(30)).until(() -> demo(engine).nodes("worker").size() == 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> demo(engine).state() == ClusterState.RUNNING);
    // at min_nodes the low-CPU policy asks for nothing more
    Instant settled = clock.instant();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> clock.instant().isAfter(settled.plus(Duration.ofMinutes(10))));
    assertThat(demo(engine).nodes("worker")).hasSize(2);
    assertThat(demo(engine).state()).isEqualTo(ClusterState.RUNNING);
    assertThat(trace())
        .containsExactly(
            "RUNNING->SCALING",
            "SCALING->COOLDOWN",
            "COOLDOWN->RUNNING",
            "RUNNING->SCALING",
            "SCALING->COOLDOWN",
            "COOLDOWN->RUNNING",
            "RUNNING->SCALING",
            "SCALING->COOLDOWN",
            "COOLDOWN->RUNNING");
    assertThat(engine.operations("demo").stream().map(Operation::type))
        .containsExactly(
            OperationType.CREATE,
            OperationType.ELASTIC_SCALE,
            OperationType.ELASTIC_SCALE,
            OperationType.ELASTIC_SCALE);
    assertThat(fired).isAfter(clock.instant().minus(Duration.ofDays(1)));
  }

  private static Instant at(List<LifecycleEvent> states, String from, String to) {
    return states.stream()
        .filter(e -> e.from().orElse("").equals(from) && e.to().orElse("").equals(to))
        .findFirst()
        .orElseThrow()
        .ts();
  }

  @Test
  void aScheduledPolicyFiresAtItsCronTime() {
    LifecycleEngine engine = engine(b -> b.autoscaleEvery(TICK));
    create(
        engine,
        r -> r.scheduledPolicy(ScheduledPolicy.recurring(ScalingType.CARDINALITY, 5, "0 8 * * *")));

    await().atMost(Duration.ofSeconds(30)).until(() -> demo(engine).nodes("worker").size() == 5);

    LifecycleEvent fired = h.events.events(EventType.POLICY_FIRED).get(0);
    Instant eight = Instant.parse("2026-03-02T08:00:00Z");
    assertThat(fired.ts()).isBetween(eight, eight.plus(TICK));
    assertThat(fired.message().orElseThrow())
        .isEqualTo("scheduled policy 0 (0 8 * * *): role worker 3 -> 5 nodes");
    Operation scale = engine.operations("demo").get(1);
    assertThat(scale.type()).isEqualTo(OperationType.ELASTIC_SCALE);
    assertThat(scale.createdAt()).isBetween(eight, eight.plus(TICK));
  }

  @Test
  void aOneOffPolicyFiresOnceAtItsStartTime() {
    LifecycleEngine engine = engine(b -> b.autoscaleEvery(TICK));
    Instant at = Instant.parse("2026-03-02T07:30:00Z");
    create(
        engine,
        r ->
            r.scheduledPolicy(
                ScheduledPolicy.once(ScalingType.CHANGE, -1, at).withCooldown(Duration.ZERO)));

    await().atMost(Duration.ofSeconds(30)).until(() -> demo(engine).nodes("worker").size() == 2);
    Instant seen = clock.instant();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> clock.instant().isAfter(seen.plus(Duration.ofMinutes(30))));

    assertThat(h.events.events(EventType.POLICY_FIRED)).hasSize(1);
    assertThat(h.events.events(EventType.POLICY_FIRED).get(0).ts()).isBetween(at, at.plus(TICK));
    assertThat(demo(engine).nodes("worker")).hasSize(2);
  }

  @Test
  void countersSurviveARestart_theNextEngineGoesOnWhereTheFirstStopped() {
    LifecycleEngine first = engine(b -> b.autoscaleEvery(TICK));
    ElasticityPolicy slow =
        ElasticityPolicy.builder("CPU > 80", 2)
            .periodNumber(3)
            .period(Duration.ofMinutes(10))
            .build();
    create(first, r -> r.elasticityPolicy(slow));
    cpu.value = 95;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                demo(first).elasticity().containsKey("worker")
                    && demo(first).elasticity().get("worker").streaks().getOrDefault("e0", 0) == 2);
    first.close();
    Instant restarted = clock.instant();

    // its own listener: event sequence numbers are per engine
    io.clusterlifecycle.testkit.RecordingEventListener seen =
        new io.clusterlifecycle.testkit.RecordingEventListener();
    LifecycleEngine second = engine(b -> b.autoscaleEvery(TICK).eventListener(seen));
    await().atMost(Duration.ofSeconds(30)).until(() -> demo(second).nodes("worker").size() == 5);

    LifecycleEvent fired = seen.events(EventType.POLICY_FIRED).get(0);
    assertThat(fired.message().orElseThrow()).contains("held for 3 periods");
    // one more period, not three: the streak of two was read back from the store
    assertThat(Duration.between(restarted, fired.ts()))
        .isLessThanOrEqualTo(Duration.ofMinutes(10).plus(TICK));
  }

  @Test
  void aManualElasticScale_goesThroughCooldown_andRecoverEndsIt() {
    LifecycleEngine engine = engine(b -> {});
    create(engine, r -> {});

    Operation up = run(engine, ElasticScale.of("demo", "worker", 5));

    assertThat(up.type()).isEqualTo(OperationType.ELASTIC_SCALE);
    assertThat(demo(engine).state()).isEqualTo(ClusterState.COOLDOWN);
    assertThat(demo(engine).nodes("worker")).hasSize(5);
    assertThat(demo(engine).roleStates().get("worker").name()).isEqualTo("COOLDOWN");
    assertThatThrownBy(() -> run(engine, ElasticScale.of("demo", "worker", 3)))
        .hasRootCauseInstanceOf(
            io.clusterlifecycle.api.error.IllegalStateTransitionException.class);
    scheduler.holding(() -> engine.recoverAsync("demo", Duration.ofMinutes(1))).join();
    assertThat(demo(engine).state()).isEqualTo(ClusterState.RUNNING);
    Operation down = run(engine, ElasticScale.of("demo", "worker", 3));
    assertThat(down.state().name()).isEqualTo("SUCCEEDED");
    // the newest nodes leave
    assertThat(demo(engine).nodes("worker").stream().map(n -> n.index())).containsExactly(1, 2, 3);
  }

  @Test
  void badRequestsAndPolicies_areRefusedNamingTheThing_andNothingIsCreated() {
    LifecycleEngine engine = engine(b -> {});
    assertThatThrownBy(() -> create(engine, r -> r.elasticityPolicy(policy("QUEUE > 10", 1))))
        .hasRootCauseInstanceOf(ValidationException.class)
        .rootCause()
        .hasMessageContaining("unknown metric QUEUE")
        .hasMessageContaining("roles[1].elasticity_policies");
    assertThatThrownBy(
            () ->
                create(
                    engine,
                    r ->
                        r.scheduledPolicy(
                            ScheduledPolicy.recurring(ScalingType.CHANGE, 1, "0 0 31 2 *"))))
        .hasRootCauseInstanceOf(ValidationException.class)
        .rootCause()
        .hasMessageContaining("roles[1].scheduled_policies[0].recurrence")
        .hasMessageContaining("never fires");
    assertThat(engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).isEmpty();

    create(engine, r -> {});
    assertThatThrownBy(() -> run(engine, ElasticScale.of("demo", "worker", 7)))
        .hasRootCauseInstanceOf(ValidationException.class)
        .rootCause()
        .hasMessageContaining("7 is outside role worker's min/max nodes [2, 6]");
    assertThatThrownBy(() -> run(engine, ElasticScale.of("demo", "worker", 3)))
        .rootCause()
        .hasMessageContaining("role worker already has 3 nodes");
    assertThat(demo(engine).nodes("worker")).hasSize(3);
    assertThat(engine.operations("demo")).hasSize(1);
  }
}
