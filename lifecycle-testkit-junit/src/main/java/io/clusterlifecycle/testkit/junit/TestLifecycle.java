package io.clusterlifecycle.testkit.junit;

import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.TraceAssert;
import io.clusterlifecycle.testkit.VirtualClock;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * What {@link LifecycleExtension} gives a test: an engine on in-memory SPIs, the SPIs themselves
 * (to script commands, inject faults and look at what was called), the events it emitted, and the
 * virtual clock it reads the time from. Closed after the test.
 */
public final class TestLifecycle implements AutoCloseable {
  private final ScheduledThreadPoolExecutor scheduler;
  private final VirtualClock clock = new VirtualClock();
  private final InMemoryResourceProvider resources;
  private final ScriptedCommandExecutor commands;
  private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
  private final InMemoryClusterStore store = new InMemoryClusterStore();
  private final RecordingEventListener events = new RecordingEventListener();
  private final LifecycleEngine engine;

  TestLifecycle(Consumer<LifecycleEngineBuilder> settings) {
    scheduler =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = new Thread(r, "lifecycle-test");
              t.setDaemon(true);
              return t;
            });
    resources = InMemoryResourceProvider.builder().scheduler(scheduler).build();
    commands = ScriptedCommandExecutor.builder().scheduler(scheduler).build();
    LifecycleEngineBuilder builder =
        LifecycleEngine.builder()
            .resourceProvider(resources)
            .commandExecutor(commands)
            .metadataStore(metadata)
            .clusterStore(store)
            .eventListener(events)
            .clock(clock)
            .scheduler(scheduler);
    settings.accept(builder);
    engine = builder.build();
  }

  /**
   * The engine under test.
   *
   * @return the engine
   */
  public LifecycleEngine engine() {
    return engine;
  }

  /**
   * The resource provider: nodes in memory, with latency and faults to script.
   *
   * @return the provider
   */
  public InMemoryResourceProvider resources() {
    return resources;
  }

  /**
   * The command executor: every command succeeds at once unless a rule says otherwise.
   *
   * @return the executor
   */
  public ScriptedCommandExecutor commands() {
    return commands;
  }

  /**
   * The metadata tree.
   *
   * @return the store
   */
  public InMemoryMetadataStore metadata() {
    return metadata;
  }

  /**
   * The records and journals.
   *
   * @return the store
   */
  public InMemoryClusterStore store() {
    return store;
  }

  /**
   * Every event the engine emitted.
   *
   * @return the listener that recorded them
   */
  public RecordingEventListener events() {
    return events;
  }

  /**
   * The time the engine reads: it moves only when the test moves it (leases, deadlines and
   * timestamps follow it; waits on the scheduler stay in real time).
   *
   * @return the clock
   */
  public VirtualClock clock() {
    return clock;
  }

  /**
   * Starts assertions over every event so far.
   *
   * @return the assertion
   */
  public TraceAssert trace() {
    return TraceAssert.assertThat(events);
  }

  /** Closes the engine and stops the scheduler. */
  @Override
  public void close() {
    engine.close();
    commands.close();
    scheduler.shutdownNow();
  }
}
