package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LifecycleEngine} on the real clock wired to the simulated SPIs of this module, the
 * in-memory metadata store, and a cluster store of the caller's choice (in-memory by default). The
 * engine keeps its own defaults (scheduler, two executor threads) except for what the options set.
 * Closing it closes the engine, the store and the timer.
 */
public final class BenchEngine implements AutoCloseable {

  /**
   * How to build the engine.
   *
   * @param latency the SPIs' latencies
   * @param store the cluster store, or null for a new in-memory one
   * @param maxInFlight the engine's limit on steps in flight
   * @param timerThreads threads completing simulated calls after their latency
   * @param host the engine's host name, or null for the machine's
   * @param lease the engine's lease, or null for the default
   * @param resumeOnStart whether the engine resumes interrupted operations when built
   * @param listeners event listeners
   */
  public record Options(
      LatencyModel latency,
      ClusterStore store,
      int maxInFlight,
      int timerThreads,
      String host,
      Duration lease,
      boolean resumeOnStart,
      List<EventListener> listeners) {

    /**
     * Checks the options.
     *
     * @param latency latencies
     * @param store the store or null
     * @param maxInFlight steps in flight
     * @param timerThreads timer threads
     * @param host host or null
     * @param lease lease or null
     * @param resumeOnStart resume on start
     * @param listeners listeners; copied
     */
    public Options {
      Objects.requireNonNull(latency, "latency");
      listeners = List.copyOf(listeners);
      if (timerThreads < 1) {
        throw new IllegalArgumentException("timerThreads must be >= 1");
      }
    }

    /**
     * Unbounded steps in flight, an in-memory store, as many timer threads as processors.
     *
     * @param latency the latencies
     * @return the options
     */
    public static Options of(LatencyModel latency) {
      return new Options(
          latency,
          null,
          Integer.MAX_VALUE,
          Runtime.getRuntime().availableProcessors(),
          null,
          null,
          false,
          List.of());
    }

    /**
     * With another cluster store.
     *
     * @param value the store; the engine closes it
     * @return new options
     */
    public Options store(ClusterStore value) {
      return new Options(
          latency, value, maxInFlight, timerThreads, host, lease, resumeOnStart, listeners);
    }

    /**
     * With another limit on steps in flight.
     *
     * @param value the limit
     * @return new options
     */
    public Options maxInFlight(int value) {
      return new Options(
          latency, store, value, timerThreads, host, lease, resumeOnStart, listeners);
    }

    /**
     * With a host name and lease, for engines that are to be abandoned and taken over.
     *
     * @param hostName the host name in the engine's leases
     * @param leaseDuration the lease
     * @return new options
     */
    public Options lease(String hostName, Duration leaseDuration) {
      return new Options(
          latency,
          store,
          maxInFlight,
          timerThreads,
          hostName,
          leaseDuration,
          resumeOnStart,
          listeners);
    }

    /**
     * With the engine resuming interrupted operations as it is built.
     *
     * @return new options
     */
    public Options resumingOnStart() {
      return new Options(latency, store, maxInFlight, timerThreads, host, lease, true, listeners);
    }

    /**
     * With one more event listener.
     *
     * @param listener the listener
     * @return new options
     */
    public Options listener(EventListener listener) {
      List<EventListener> more = new ArrayList<>(listeners);
      more.add(listener);
      return new Options(
          latency, store, maxInFlight, timerThreads, host, lease, resumeOnStart, more);
    }
  }

  private final LifecycleEngine engine;
  private final LatencyResourceProvider resources;
  private final LatencyCommandExecutor commands;
  private final InMemoryMetadataStore metadata;
  private final ClusterStore store;
  private final ScheduledThreadPoolExecutor timer;
  private final CallTimes times = new CallTimes();

  private BenchEngine(Options o) {
    AtomicInteger n = new AtomicInteger();
    this.timer =
        new ScheduledThreadPoolExecutor(
            o.timerThreads(),
            r -> {
              Thread t = new Thread(r, "bench-spi-timer-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    // a real provider's client threads are up before an operation: the simulated calls' are too,
    // so that a run's first stage does not time their starts
    timer.prestartAllCoreThreads();
    this.resources = new LatencyResourceProvider(o.latency(), timer, times);
    this.commands = new LatencyCommandExecutor(o.latency(), timer, times);
    this.metadata = new InMemoryMetadataStore();
    this.store = o.store() != null ? o.store() : new InMemoryClusterStore();
    LifecycleEngineBuilder b =
        LifecycleEngine.builder()
            .resourceProvider(resources)
            .commandExecutor(commands)
            .metadataStore(metadata)
            .clusterStore(store)
            .maxInFlight(o.maxInFlight())
            .resumeInterruptedOnStart(o.resumeOnStart());
    if (o.host() != null) {
      b.host(o.host());
    }
    if (o.lease() != null) {
      b.leaseDuration(o.lease());
    }
    o.listeners().forEach(b::eventListener);
    this.engine = b.build();
  }

  /**
   * Builds an engine.
   *
   * @param options how
   * @return the engine and its SPIs
   */
  public static BenchEngine start(Options options) {
    return new BenchEngine(options);
  }

  /**
   * The engine.
   *
   * @return the engine
   */
  public LifecycleEngine engine() {
    return engine;
  }

  /**
   * The simulated provider.
   *
   * @return the provider
   */
  public LatencyResourceProvider resources() {
    return resources;
  }

  /**
   * The simulated executor.
   *
   * @return the executor
   */
  public LatencyCommandExecutor commands() {
    return commands;
  }

  /**
   * The times of the simulated SPIs' calls, once started.
   *
   * @return the call times
   */
  public CallTimes times() {
    return times;
  }

  /**
   * The cluster store.
   *
   * @return the store
   */
  public ClusterStore store() {
    return store;
  }

  /**
   * The timer that completes simulated calls.
   *
   * @return the timer
   */
  public ScheduledExecutorService timer() {
    return timer;
  }

  /** Closes the engine, the store and the timer. */
  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      try {
        store.close();
      } finally {
        timer.shutdownNow();
        try {
          timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
