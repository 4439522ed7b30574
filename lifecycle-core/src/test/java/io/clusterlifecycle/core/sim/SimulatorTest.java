package io.clusterlifecycle.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.CommandRun;
import io.clusterlifecycle.testkit.FaultKind;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.InjectedFault;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.Simulator;
import io.clusterlifecycle.testkit.SpiMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fault-injecting simulator on its own, and under an engine. */
class SimulatorTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final DelayRecordingScheduler scheduler = new DelayRecordingScheduler();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** A real scheduler that remembers the delays it was asked for. */
  static final class DelayRecordingScheduler extends ScheduledThreadPoolExecutor {
    final List<Duration> delays = new CopyOnWriteArrayList<>();

    DelayRecordingScheduler() {
      super(
          1,
          r -> {
            Thread t = new Thread(r, "simulator-test-scheduler");
            t.setDaemon(true);
            return t;
          });
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      delays.add(Duration.ofNanos(unit.toNanos(delay)));
      return super.schedule(command, delay, unit);
    }

    /** Waits until every task due within {@code delay} from now has run. */
    void drain(Duration delay) throws Exception {
      super.schedule(() -> {}, delay.toNanos(), TimeUnit.NANOSECONDS).get(10, TimeUnit.SECONDS);
    }
  }

  static NodeSpec node(String clusterId, String nodeId) {
    return NodeSpec.builder()
        .ref(new NodeRef(clusterId, nodeId))
        .clusterName("demo")
        .namespace("default")
        .role("worker")
        .cpu(1)
        .memory(512)
        .volumeSize(0)
        .mountPoint("")
        .image("")
        .tags(Map.of())
        .build();
  }

  static CommandRequest command(String nodeId, String service) {
    NodeResource node =
        NodeResource.builder()
            .ref(new NodeRef("c1", nodeId))
            .role("worker")
            .instanceId("i-1")
            .address("10.0.0.1")
            .cpu(1)
            .memory(512)
            .volumeSize(0)
            .volumeId("")
            .image("")
            .running(true)
            .tags(Map.of())
            .build();
    return CommandRequest.builder()
        .node(node)
        .service(service)
        .script("run " + service)
        .environment(Map.of())
        .timeout(Duration.ofMinutes(1))
        .build();
  }

  static Cluster cluster(String id) {
    AppSpec spec =
        AppSpec.builder("app", "1.0").role("worker", r -> r.count(1).service("start", "s")).build();
    return Cluster.builder(id, "demo", spec, Instant.parse("2026-01-01T00:00:00Z")).build();
  }

  /** How a stage ended, as text: its value's class, or the simple name of its error. */
  static String outcome(CompletionStage<?> stage) {
    CompletableFuture<?> f = stage.toCompletableFuture();
    if (!f.isDone()) {
      return "pending";
    }
    try {
      f.join();
      return "ok";
    } catch (CompletionException e) {
      return e.getCause().getClass().getSimpleName();
    }
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- reproducibility

  /** Runs a fixed sequence of calls from one thread and returns what happened to each. */
  private List<String> scriptedRun(long seed) {
    Simulator sim =
        Simulator.builder()
            .seed(seed)
            .build()
            .transientFailures(SpiMethod.RESOURCE_CREATE, 0.3)
            .permanentFailures(SpiMethod.COMMAND_RUN, 0.2)
            .transientFailures(SpiMethod.of(SpiMethod.Spi.CLUSTER_STORE), 0.25);
    ResourceProvider provider = sim.wrap(InMemoryResourceProvider.builder().build());
    CommandExecutor executor = sim.wrap(ScriptedCommandExecutor.builder().build());
    ClusterStore store = sim.wrap(new InMemoryClusterStore());
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      seen.add("create n" + i % 7 + ": " + outcome(provider.create(node("c1", "n" + i % 7))));
      seen.add("start n" + i % 5 + ": " + outcome(executor.run(command("n" + i % 5, "start"))));
      seen.add("list: " + outcome(store.list()));
    }
    sim.injected().forEach(f -> seen.add(f.toString()));
    return seen;
  }

  @Test
  void sameSeed_andSameCalls_giveTheSameFaults_anotherSeedOthers() {
    List<String> first = scriptedRun(7);
    assertThat(scriptedRun(7)).isEqualTo(first);
    assertThat(scriptedRun(8)).isNotEqualTo(first);
    assertThat(first)
        .anyMatch(s -> s.startsWith("create") && s.endsWith("TransientSpiException"))
        .anyMatch(s -> s.startsWith("start") && s.endsWith("IllegalStateException"))
        .anyMatch(s -> s.startsWith("list") && s.endsWith("TransientSpiException"))
        .anyMatch(s -> s.startsWith("create") && s.endsWith(": ok"));
  }

  @Test
  void aCallsFaults_doNotDependOnHowCallsOnOtherNodesInterleave() {
    List<String> aThenB = new ArrayList<>();
    List<String> interleaved = new ArrayList<>();
    for (List<String> order :
        List.of(
            List.of("a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"),
            List.of("b", "a", "b", "a", "b", "a", "b", "a", "b", "a", "b", "a"))) {
      Simulator sim =
          Simulator.builder().seed(99).build().transientFailures(SpiMethod.RESOURCE_DELETE, 0.5);
      ResourceProvider provider = sim.wrap(InMemoryResourceProvider.builder().build());
      List<String> perNode = new ArrayList<>();
      for (String n : order) {
        perNode.add(n + ":" + outcome(provider.delete(new NodeRef("c1", n), false)));
      }
      List<String> sorted =
          new ArrayList<>(perNode.stream().filter(s -> s.startsWith("a")).toList());
      sorted.addAll(perNode.stream().filter(s -> s.startsWith("b")).toList());
      (aThenB.isEmpty() ? aThenB : interleaved).addAll(sorted);
    }
    assertThat(interleaved).isEqualTo(aThenB);
    assertThat(aThenB).contains("a:TransientSpiException").contains("b:ok");
  }

  // ---------------------------------------------------------------- failures

  @Test
  void injectedFailure_neverReachesTheWrappedSpi() {
    InMemoryResourceProvider provider = InMemoryResourceProvider.builder().build();
    Simulator sim = Simulator.builder().build().transientFailures(SpiMethod.RESOURCE_CREATE, 1.0);
    ResourceProvider wrapped = sim.wrap(provider);

    assertThatThrownBy(() -> wrapped.create(node("c1", "n1")).toCompletableFuture().join())
        .hasCauseInstanceOf(TransientSpiException.class)
        .hasMessageContaining("simulated transient failure of RESOURCE_CREATE on n1");
    assertThat(provider.calls()).isEmpty();
    assertThat(provider.resources("c1")).isEmpty();
    assertThat(sim.count(FaultKind.TRANSIENT)).isOne();

    sim.transientFailures(SpiMethod.RESOURCE_CREATE, 0.0);
    assertThat(outcome(wrapped.create(node("c1", "n1")))).isEqualTo("ok");
    assertThat(provider.resources("c1")).hasSize(1);
  }

  @Test
  void failNext_failsExactlyTheNextCallsOfThatMethod_inOrder() {
    InMemoryResourceProvider provider = InMemoryResourceProvider.builder().build();
    Simulator sim =
        Simulator.builder()
            .build()
            .failNext(SpiMethod.RESOURCE_DELETE)
            .failNext(SpiMethod.RESOURCE_DELETE, new TransientSpiException("throttled", null));
    ResourceProvider wrapped = sim.wrap(provider);

    assertThat(outcome(wrapped.create(node("c1", "n1")))).isEqualTo("ok");
    assertThatThrownBy(
            () -> wrapped.delete(new NodeRef("c1", "n1"), false).toCompletableFuture().join())
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("simulated");
    assertThat(outcome(wrapped.delete(new NodeRef("c1", "n1"), false)))
        .isEqualTo("TransientSpiException");
    assertThat(provider.resources("c1")).hasSize(1);
    assertThat(outcome(wrapped.delete(new NodeRef("c1", "n1"), false))).isEqualTo("ok");
    assertThat(provider.resources("c1")).isEmpty();
    assertThat(sim.counts())
        .containsEntry(FaultKind.PERMANENT, 1L)
        .containsEntry(FaultKind.TRANSIENT, 1L)
        .containsEntry(FaultKind.CRASH, 0L);
    assertThat(sim.injected())
        .extracting(InjectedFault::call, InjectedFault::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, FaultKind.PERMANENT),
            org.assertj.core.groups.Tuple.tuple(3L, FaultKind.TRANSIENT));
  }

  @Test
  void failNextWithSkip_failsExactlyTheCallItNames_andRevivedSimulatorsKeepCounting() {
    InMemoryClusterStore store = new InMemoryClusterStore();
    Simulator sim = Simulator.builder().build();
    ClusterStore wrapped = sim.wrap(store);
    assertThat(outcome(wrapped.list())).isEqualTo("ok");
    sim.failNext(SpiMethod.STORE_LIST, 2, new TransientSpiException("hiccup", null))
        .failNext(SpiMethod.STORE_LIST, 4, new IllegalStateException("gone"));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seen.add(outcome(wrapped.list()));
    }
    assertThat(seen).containsExactly("ok", "ok", "TransientSpiException");
    assertThat(sim.calls(SpiMethod.STORE_LIST)).isEqualTo(4);
    assertThat(sim.calls(SpiMethod.STORE_GET)).isZero();
    sim.crash();
    ClusterStore revived = sim.revive().wrap(store);
    assertThat(outcome(revived.list())).isEqualTo("ok");
    assertThat(outcome(revived.list())).isEqualTo("IllegalStateException");
    assertThat(outcome(revived.list())).isEqualTo("ok");
    assertThatThrownBy(() -> sim.failNext(SpiMethod.STORE_LIST, -1, new RuntimeException()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void permanentProbability_failsWithAnIllegalStateException() {
    Simulator sim =
        Simulator.builder()
            .seed(3)
            .build()
            .permanentFailures(SpiMethod.of(SpiMethod.Spi.COMMAND_EXECUTOR), 1.0);
    ScriptedCommandExecutor executor = ScriptedCommandExecutor.builder().build();
    assertThat(outcome(sim.wrap(executor).run(command("n1", "init"))))
        .isEqualTo("IllegalStateException");
    assertThat(executor.runs()).isEmpty();
    assertThat(sim.count(FaultKind.PERMANENT)).isOne();
  }

  // ---------------------------------------------------------------- latency

  @Test
  void latency_isScheduledOnTheInjectedScheduler_withinItsRange() throws Exception {
    InMemoryClusterStore store = new InMemoryClusterStore();
    Simulator sim =
        Simulator.builder()
            .scheduler(scheduler)
            .build()
            .latency(SpiMethod.STORE_GET, Duration.ofMillis(5), Duration.ofMillis(15));
    ClusterStore wrapped = sim.wrap(store);
    List<CompletableFuture<?>> gets = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      gets.add(wrapped.get("c" + i).toCompletableFuture());
    }
    assertThat(outcome(wrapped.list())).isEqualTo("ok"); // no latency for other methods
    for (CompletableFuture<?> f : gets) {
      await(f);
    }
    assertThat(scheduler.delays)
        .hasSize(20)
        .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(5), Duration.ofMillis(15)));
    assertThat(scheduler.delays.stream().distinct().count()).isGreaterThan(1);
    assertThat(sim.count(FaultKind.LATENCY)).isEqualTo(20);
  }

  // ---------------------------------------------------------------- crash switch

  @Test
  void crashAfter_swallowsEveryLaterCall_andTheStoreIsNotWrittenAfterTheCrash() throws Exception {
    InMemoryClusterStore store = new InMemoryClusterStore();
    Simulator sim = Simulator.builder().build().crashAfter(2);
    ClusterStore wrapped = sim.wrap(store);
    JournalEntry entry =
        JournalEntry.builder()
            .operationId("op-1")
            .stepId("s1-create-n1")
            .status(JournalEntry.Status.STARTED)
            .at(Instant.EPOCH)
            .detail("")
            .build();

    Cluster v1 = await(wrapped.put(cluster("c1")));
    await(wrapped.appendJournal(List.of(entry)));
    assertThat(sim.crashed()).isFalse();

    CompletableFuture<Cluster> put =
        wrapped.put(v1.toBuilder().state(ClusterState.DEPLOYING).build()).toCompletableFuture();
    CompletableFuture<Void> append = wrapped.appendJournal(List.of(entry)).toCompletableFuture();
    CompletableFuture<?> read = wrapped.get("c1").toCompletableFuture();

    assertThat(sim.crashed()).isTrue();
    assertThat(sim.awaitCrashed(WAIT)).isTrue();
    assertThat(List.of(put, append, read)).noneMatch(CompletableFuture::isDone);
    assertThat(store.putCount()).isOne();
    assertThat(store.cluster("c1").orElseThrow().state()).isEqualTo(ClusterState.PENDING);
    assertThat(store.journal("op-1").join()).hasSize(1);
    assertThat(sim.count(FaultKind.CRASH)).isEqualTo(3);
    assertThat(sim.calls()).isEqualTo(5);
    assertThatThrownBy(() -> sim.crashAfter(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("revive");
  }

  @Test
  void aResponseArrivingAfterTheCrash_isWithheld_butItsEffectStands() throws Exception {
    InMemoryResourceProvider provider = InMemoryResourceProvider.builder().build();
    Simulator sim =
        Simulator.builder()
            .scheduler(scheduler)
            .build()
            .latency(SpiMethod.RESOURCE_CREATE, Duration.ofMillis(50), Duration.ofMillis(50));
    CompletableFuture<NodeResource> create =
        sim.wrap(provider).create(node("c1", "n1")).toCompletableFuture();
    assertThat(provider.resources("c1")).hasSize(1);

    sim.crash();
    scheduler.drain(Duration.ofMillis(100));

    assertThat(create).isNotDone();
    assertThat(sim.count(FaultKind.LOST_RESPONSE)).isOne();
    assertThat(provider.resources("c1")).hasSize(1);
  }

  @Test
  void revive_givesALiveSimulatorWithTheSameSettings_whileTheDeadOneStaysDead() throws Exception {
    InMemoryClusterStore store = new InMemoryClusterStore();
    store.put(cluster("c1")).join();
    Simulator sim =
        Simulator.builder()
            .seed(5)
            .build()
            .transientFailures(SpiMethod.STORE_LIST, 1.0)
            .failNext(SpiMethod.STORE_DELETE);
    ClusterStore dead = sim.wrap(store);
    sim.crashAfter(0);
    CompletableFuture<?> pending = dead.get("c1").toCompletableFuture();

    Simulator next = sim.revive();
    ClusterStore live = next.wrap(store);

    assertThat(await(live.get("c1"))).isPresent();
    assertThat(outcome(live.list())).isEqualTo("TransientSpiException");
    assertThat(outcome(live.delete("c1"))).isEqualTo("IllegalStateException");
    assertThat(next.crashed()).isFalse();
    assertThat(next.generation()).isEqualTo(1);
    assertThat(next.seed()).isEqualTo(5);
    assertThat(next.count(FaultKind.CRASH)).isZero();
    assertThat(dead.delete("c1").toCompletableFuture()).isNotDone();
    assertThat(pending).isNotDone();
    assertThat(store.cluster("c1")).isPresent();
    assertThat(sim.crashed()).isTrue();
    assertThat(sim.count(FaultKind.CRASH)).isEqualTo(2);
  }

  @Test
  void disarm_beforeTheSwitchTrips_letsLaterCallsThrough() {
    Simulator sim = Simulator.builder().build().crashAfter(1);
    ClusterStore store = sim.wrap(new InMemoryClusterStore());
    assertThat(outcome(store.list())).isEqualTo("ok");
    assertThat(sim.disarm()).isTrue();
    assertThat(outcome(store.list())).isEqualTo("ok");
    assertThat(sim.disarm()).isFalse();
    assertThat(sim.crashed()).isFalse();
    sim.crash();
    assertThat(sim.disarm()).isFalse();
    assertThat(outcome(store.list())).isEqualTo("pending");
  }

  @Test
  void awaitCrashed_timesOut_whileTheSwitchHasNotTripped() {
    Simulator sim = Simulator.builder().build().crashAfter(5);
    assertThat(sim.awaitCrashed(Duration.ofMillis(20))).isFalse();
  }

  @Test
  void cancellingADecoratedStage_cancelsTheWrappedOne() {
    ScriptedCommandExecutor executor =
        ScriptedCommandExecutor.builder().scheduler(scheduler).build();
    executor.on("start").hang();
    CompletableFuture<CommandResult> run =
        Simulator.builder()
            .build()
            .wrap(executor)
            .run(command("n1", "start"))
            .toCompletableFuture();
    assertThat(run.cancel(true)).isTrue();
    assertThat(executor.runs())
        .singleElement()
        .extracting(CommandRun::state)
        .isEqualTo(CommandRun.State.CANCELLED);
  }

  @Test
  void watches_passThrough_untilTheCrash() throws Exception {
    InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    Simulator sim = Simulator.builder().build();
    List<String> heard = new CopyOnWriteArrayList<>();
    try (AutoCloseable w = sim.wrap(metadata).watch("/a", c -> heard.add(c.puts().toString()))) {
      metadata
          .commit(new io.clusterlifecycle.api.spi.MetadataChange(Map.of("/a/x", "1"), List.of()))
          .join();
      sim.crash();
      metadata
          .commit(new io.clusterlifecycle.api.spi.MetadataChange(Map.of("/a/x", "2"), List.of()))
          .join();
    }
    assertThat(heard).containsExactly("{/a/x=1}");
    assertThat(sim.calls()).isZero();
  }

  @Test
  void settings_areCheckedEagerly() {
    Simulator sim = Simulator.builder().build();
    assertThatThrownBy(() -> sim.transientFailures(SpiMethod.STORE_PUT, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> sim.permanentFailures(SpiMethod.STORE_PUT, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sim.latency(SpiMethod.STORE_PUT, Duration.ZERO, Duration.ofMillis(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scheduler");
    assertThatThrownBy(
            () ->
                Simulator.builder()
                    .scheduler(scheduler)
                    .build()
                    .latency(SpiMethod.STORE_PUT, Duration.ofMillis(2), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sim.crashAfter(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(SpiMethod.of(SpiMethod.Spi.METADATA_STORE))
        .containsExactly(SpiMethod.METADATA_COMMIT, SpiMethod.METADATA_GET);
    assertThat(SpiMethod.all()).hasSize(SpiMethod.values().length);
  }

  // ---------------------------------------------------------------- under an engine

  @Test
  void transientFaults_areRetriedByTheEngine_andTheCreateStillSucceeds() {
    InMemoryResourceProvider provider = InMemoryResourceProvider.builder().build();
    ScriptedCommandExecutor executor = ScriptedCommandExecutor.builder().build();
    Set<SpiMethod> flaky = EnumSet.noneOf(SpiMethod.class);
    flaky.addAll(SpiMethod.of(SpiMethod.Spi.RESOURCE_PROVIDER));
    flaky.addAll(SpiMethod.of(SpiMethod.Spi.COMMAND_EXECUTOR));
    flaky.add(SpiMethod.METADATA_COMMIT);
    Simulator sim =
        Simulator.builder()
            .seed(11)
            .scheduler(scheduler)
            .build()
            .transientFailures(flaky, 0.4)
            .latency(flaky, Duration.ZERO, Duration.ofMillis(3));
    AppSpec spec =
        AppSpec.builder("app", "1.0")
            .role("alpha", r -> r.count(2).service("init", "i").service("start", "s"))
            .role("beta", r -> r.count(3).service("start", s -> s.cmd("s").order(1)))
            .build();
    try (LifecycleEngine engine =
        World.engineBuilder(
                sim, provider, executor, new InMemoryMetadataStore(), new InMemoryClusterStore())
            .build()) {
      Cluster c = engine.create(CreateCluster.builder(spec, "flaky").build());

      assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
      assertThat(sim.count(FaultKind.TRANSIENT)).isGreaterThanOrEqualTo(3);
      assertThat(c.nodes())
          .hasSize(5)
          .allSatisfy(
              n -> {
                assertThat(provider.createCount(n.id())).isOne();
                assertThat(executor.runs("start").stream().filter(r -> r.nodeId().equals(n.id())))
                    .hasSize(1);
              });
      assertThat(provider.resources(c.id()))
          .extracting(r -> r.ref().nodeId())
          .containsExactlyInAnyOrderElementsOf(c.nodes().stream().map(Node::id).toList());
    }
  }
}
