package io.clusterlifecycle.events.kafka;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * An engine on the testkit's in-memory SPIs, recording every event it emits, with the listeners a
 * test adds: as an embedding platform would run it, with the publisher beside.
 */
final class Engines implements AutoCloseable {
  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  final InMemoryResourceProvider resources =
      InMemoryResourceProvider.builder().scheduler(scheduler).build();
  final ScriptedCommandExecutor commands =
      ScriptedCommandExecutor.builder().scheduler(scheduler).build();
  final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
  final InMemoryClusterStore store = new InMemoryClusterStore();
  final RecordingEventListener recorded = new RecordingEventListener();
  private final List<LifecycleEngine> engines = new ArrayList<>();

  /** A new engine on these SPIs, with the recorder and then {@code listeners}. */
  LifecycleEngine engine(EventListener... listeners) {
    LifecycleEngineBuilder b =
        LifecycleEngine.builder()
            .resourceProvider(resources)
            .commandExecutor(commands)
            .metadataStore(metadata)
            .clusterStore(store)
            .scheduler(scheduler)
            .eventListener(recorded);
    for (EventListener l : listeners) {
      b.eventListener(l);
    }
    LifecycleEngine e = b.build();
    engines.add(e);
    return e;
  }

  /** Two roles with start and stop services; workers scale out. */
  static AppSpec spec() {
    return AppSpec.builder("hadoop", "3.4")
        .role(
            "master",
            r ->
                r.count(1)
                    .service("start", s -> s.cmd("start-master").order(0))
                    .service("stop", s -> s.cmd("stop-master").order(1)))
        .role(
            "worker",
            r ->
                r.count(2)
                    .minNodes(1)
                    .maxNodes(6)
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service("start", s -> s.cmd("start-worker").order(1))
                    .service("stop", s -> s.cmd("stop-worker").order(0)))
        .build();
  }

  /** The sequence numbers of the events recorded so far, by the key their messages carry. */
  Map<String, List<Long>> emittedSeqsByKey() {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (LifecycleEvent e : recorded.events()) {
      out.computeIfAbsent(key(e), k -> new ArrayList<>()).add(e.seq());
    }
    return out;
  }

  static String key(LifecycleEvent e) {
    return e.cluster().orElse(KafkaEventPublisher.NO_CLUSTER_KEY);
  }

  @Override
  public void close() {
    engines.forEach(LifecycleEngine::close);
    scheduler.shutdownNow();
  }
}
