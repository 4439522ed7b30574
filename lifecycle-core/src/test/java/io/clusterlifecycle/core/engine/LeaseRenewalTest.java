package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.Simulator;
import io.clusterlifecycle.testkit.SpiMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lease renewal does not wait for the store: with every store call answering later than the lease
 * is renewed, an engine busy with slow reads still keeps the lease of its running operation alive,
 * so a second engine sharing the store never takes that operation over.
 */
class LeaseRenewalTest {
  private static final Duration LEASE = Duration.ofMillis(2400);

  /** Longer than the renewal period (a third of the lease), shorter than the lease. */
  private static final Duration STORE_LATENCY = Duration.ofMillis(900);

  private static final Duration SLOW_SERVICE = Duration.ofSeconds(6);
  private static final int WAITERS = 6;

  /** One write of a cluster record, as it landed in the store. */
  private record Put(Instant at, String operation, Optional<Lease> lease) {}

  private final Clock clock = Clock.systemUTC();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ScheduledExecutorService simScheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService callers = Executors.newFixedThreadPool(WAITERS);
  private final Simulator sim = Simulator.builder().seed(7).scheduler(simScheduler).build();
  private final InMemoryResourceProvider resources =
      InMemoryResourceProvider.builder().scheduler(scheduler).build();
  private final ScriptedCommandExecutor commands =
      ScriptedCommandExecutor.builder().scheduler(scheduler).build();
  private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
  private final List<Put> puts = new CopyOnWriteArrayList<>();
  private final ClusterStore store = sim.wrap(recordingPuts(new InMemoryClusterStore()));
  private final RecordingEventListener secondEvents = new RecordingEventListener();
  private final List<LifecycleEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(LifecycleEngine::close);
    callers.shutdownNow();
    scheduler.shutdownNow();
    simScheduler.shutdownNow();
  }

  @Test
  void slowStore_doesNotLetTheLeaseLapse_andNoOtherEngineTakesTheOperationOver() throws Exception {
    LifecycleEngine first = engine("host-a", null);
    Cluster c =
        first.create(
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
    LifecycleEngine second = engine("host-b", Duration.ofMillis(100));
    commands.on("slow").latency(SLOW_SERVICE);
    sim.latency(SpiMethod.of(SpiMethod.Spi.CLUSTER_STORE), STORE_LATENCY, STORE_LATENCY);
    puts.clear();

    CompletableFuture<Operation> slow = first.submit(RunService.of(c.id(), "slow"));
    commands.whenStarted(run -> run.service().equals("slow")).get(30, TimeUnit.SECONDS);
    // callers that give up waiting for the cluster at the same moment, each reading the store
    List<CompletableFuture<Operation>> waiters = new ArrayList<>();
    for (int i = 0; i < WAITERS; i++) {
      waiters.add(
          CompletableFuture.supplyAsync(
                  () -> first.submit(StopCluster.of(c.id()).withTimeout(Duration.ofSeconds(1))),
                  callers)
              .thenCompose(f -> f));
    }
    for (CompletableFuture<Operation> w : waiters) {
      assertThat(w.handle((op, e) -> Harness.rootCause(e)).get(30, TimeUnit.SECONDS))
          .as("a request that waited past its timeout")
          .isInstanceOf(ConflictException.class);
    }

    Operation done = slow.get(60, TimeUnit.SECONDS);
    assertThat(done.state()).isEqualTo(OperationState.SUCCEEDED);
    assertThat(secondEvents.events(EventType.OPERATION_STARTED))
        .as("operations the second engine started or took over")
        .isEmpty();
    List<Put> running = puts.stream().filter(p -> !p.operation().isEmpty()).toList();
    assertThat(running)
        .as("writes of the record while the operation ran")
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.lease()).get().extracting(Lease::host).isEqualTo("host-a"));
    for (int i = 1; i < puts.size(); i++) {
      Put before = puts.get(i - 1);
      if (!before.operation().isEmpty()) {
        assertThat(puts.get(i).at())
            .as("write %d of %s came before the lease of the write before it expired", i, puts)
            .isBefore(before.lease().orElseThrow().expiresAt());
      }
    }
    assertThat(puts.get(puts.size() - 1).operation())
        .as("the last write ends the operation")
        .isEmpty();
    assertThat(first.get(c.id()).operation()).isEmpty();
  }

  private LifecycleEngine engine(String host, Duration takeOverEvery) {
    LifecycleEngine engine =
        LifecycleEngine.builder()
            .resourceProvider(resources)
            .commandExecutor(commands)
            .metadataStore(metadata)
            .clusterStore(store)
            .eventListener(takeOverEvery == null ? e -> {} : secondEvents)
            .clock(clock)
            .host(host)
            .leaseDuration(LEASE)
            .takeOverInterrupted(takeOverEvery)
            .eventCloseWait(Duration.ZERO)
            .build();
    engines.add(engine);
    return engine;
  }

  /** The store, noting each cluster record it stored and when. */
  private ClusterStore recordingPuts(ClusterStore delegate) {
    return Forwarding.after(
        ClusterStore.class,
        delegate,
        (method, args, result) -> {
          if (method.getName().equals("put")) {
            Cluster written = (Cluster) args[0];
            ((CompletionStage<?>) result)
                .thenAccept(
                    stored ->
                        puts.add(
                            new Put(
                                clock.instant(), written.operation().orElse(""), written.lease())));
          }
          return result;
        });
  }
}
