package io.clusterlifecycle.core.engine;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** An engine on the in-memory SPIs, with helpers to read its trace stage by stage. */
final class Harness implements AutoCloseable {
  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  final InMemoryResourceProvider resources =
      InMemoryResourceProvider.builder().scheduler(scheduler).build();
  final ScriptedCommandExecutor commands =
      ScriptedCommandExecutor.builder().scheduler(scheduler).build();
  final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
  final InMemoryClusterStore store = new InMemoryClusterStore();
  final RecordingEventListener events = new RecordingEventListener();
  final LifecycleEngine engine;

  Harness() {
    this(256);
  }

  Harness(int maxInFlight) {
    engine = engine(b -> b.maxInFlight(maxInFlight));
  }

  /** Another engine on the same SPIs, like a second process sharing the stores. */
  LifecycleEngine engine(java.util.function.UnaryOperator<LifecycleEngineBuilder> tweak) {
    return tweak
        .apply(
            LifecycleEngine.builder()
                .resourceProvider(resources)
                .commandExecutor(commands)
                .metadataStore(metadata)
                .clusterStore(store)
                .eventListener(events)
                .scheduler(scheduler)
                .retry(
                    io.github.resilience4j.retry.RetryConfig.custom()
                        .maxAttempts(4)
                        .waitDuration(java.time.Duration.ofMillis(10))
                        .retryOnException(
                            e ->
                                rootCause(e)
                                    instanceof io.clusterlifecycle.api.spi.TransientSpiException)
                        .build()))
        .build();
  }

  /** An engine that died in the middle of a create, and the future of that create. */
  record Dying(LifecycleEngine engine, java.util.concurrent.CompletableFuture<Operation> create) {}

  /**
   * Starts a create of {@link EngineFlowsTest#spec} "demo" on an engine with a 5 s lease that dies
   * in the middle of "start (order 1)": demo-worker-1's start hangs (in the executor that run is
   * still going), and once the whole stage was launched the engine's scheduler stops, so its lease
   * is no longer renewed.
   *
   * @param tweak more settings of the dying engine (its host, say)
   */
  Dying dyingCreate(java.util.function.UnaryOperator<LifecycleEngineBuilder> tweak)
      throws Exception {
    ScheduledExecutorService deadScheduler = Executors.newScheduledThreadPool(1);
    LifecycleEngine a =
        engine(
            b ->
                tweak.apply(
                    b.scheduler(deadScheduler).leaseDuration(java.time.Duration.ofSeconds(5))));
    commands.on("start").forNode("demo-worker-1").hang().times(1);
    java.util.concurrent.CompletableFuture<Operation> create =
        a.submit(
            io.clusterlifecycle.api.request.CreateCluster.builder(
                    EngineFlowsTest.spec(r -> {}), "demo")
                .build());
    commands
        .whenStarted(r -> r.nodeId().equals("demo-worker-3") && r.service().equals("start"))
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
    deadScheduler.shutdownNow();
    return new Dying(a, create);
  }

  static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The trace of the last operation as one line per stage, in order: the stage name, then what
   * happened in it, sorted (steps of a stage run in parallel): {@code +node} created, {@code -node}
   * deleted, {@code resize:node}, {@code image:node}, {@code down:node} and {@code up:node}
   * resized, re-imaged, stopped and started, {@code service@node=exit} commands, {@code put
   * ...}/{@code del ...} metadata commits.
   */
  List<String> stages() {
    List<LifecycleEvent> all = events.events();
    int from = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).event() == EventType.OPERATION_STARTED) {
        from = i;
      }
    }
    List<String> lines = new ArrayList<>();
    String stage = null;
    TreeSet<String> things = new TreeSet<>();
    for (LifecycleEvent e : all.subList(from, all.size())) {
      switch (e.event()) {
        case STAGE_STARTED -> {
          stage = e.stage().orElse(null);
          things.clear();
        }
        case STAGE_FINISHED -> {
          lines.add(
              stage
                  + ": "
                  + String.join(" ", things)
                  + (e.message().orElse("").startsWith("failed") ? " !" : ""));
          stage = null;
        }
        case COMMAND_FINISHED ->
            things.add(
                e.service().orElse(null)
                    + "@"
                    + e.node().orElse(null)
                    + "="
                    + (e.exitCode().orElse(null) == null ? "x" : e.exitCode().orElse(null)));
        case RESOURCE_CREATED -> things.add("+" + e.node().orElse(null));
        case RESOURCE_DELETED -> things.add("-" + e.node().orElse(null));
        case RESOURCE_RESIZED -> things.add("resize:" + e.node().orElse(null));
        case IMAGE_REPLACED -> things.add("image:" + e.node().orElse(null));
        case RESOURCE_STOPPED -> things.add("down:" + e.node().orElse(null));
        case RESOURCE_STARTED -> things.add("up:" + e.node().orElse(null));
        case METADATA_PUT -> things.add("put");
        case METADATA_DELETED -> things.add("del");
        default -> {}
      }
    }
    return lines;
  }

  @Override
  public void close() {
    engine.close();
    scheduler.shutdownNow();
  }
}
