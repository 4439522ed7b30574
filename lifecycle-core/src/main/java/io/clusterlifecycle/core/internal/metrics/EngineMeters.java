package io.clusterlifecycle.core.internal.metrics;

import io.clusterlifecycle.api.state.OperationType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's meters and observations (docs/design.md §8.1), on the registry given to the builder,
 * or on an empty one (whose meters do nothing) when none was. Thread-safe.
 */
public final class EngineMeters {
  /** The operation observation's name: a timer and a long task timer of that name. */
  public static final String OPERATION = "lifecycle.operation";

  private final MeterRegistry registry;
  private final ObservationRegistry observations;
  private final AtomicInteger leases = new AtomicInteger();
  private final AtomicInteger steps = new AtomicInteger();
  private final AtomicInteger commands = new AtomicInteger();
  private final Counter stepsOk;
  private final Counter stepsFailed;
  private final Counter retries;
  private final Map<String, Timer> commandTimers = new ConcurrentHashMap<>();
  private final Map<String, Counter> takeOvers = new ConcurrentHashMap<>();

  private EngineMeters(MeterRegistry registry, ObservationRegistry observations) {
    this.registry = registry;
    this.observations = observations;
    registry.gauge("lifecycle.leases.held", leases);
    registry.gauge("lifecycle.steps.active", steps);
    registry.gauge("lifecycle.commands.active", commands);
    stepsOk = steps("ok");
    stepsFailed = steps("failed");
    retries =
        Counter.builder("lifecycle.retries")
            .description("SPI calls made again after a transient failure")
            .register(registry);
  }

  /**
   * The meters of an engine.
   *
   * @param registry where meters go; null for none
   * @param observations where operations are observed; null to observe them as timers on {@code
   *     registry} (or not at all without one)
   */
  public static EngineMeters of(MeterRegistry registry, ObservationRegistry observations) {
    MeterRegistry meters = registry != null ? registry : new CompositeMeterRegistry();
    ObservationRegistry observed = observations;
    if (observed == null) {
      observed = ObservationRegistry.create();
      if (registry != null) {
        observed.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
      }
    }
    return new EngineMeters(meters, observed);
  }

  /** The registry meters go to. */
  public MeterRegistry registry() {
    return registry;
  }

  private Counter steps(String outcome) {
    return Counter.builder("lifecycle.steps")
        .description("steps of operations that finished")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Starts observing a run of an operation (a first run or a resume) that holds this engine's lease
   * on its cluster.
   *
   * @return the run, to end with {@link OperationRun#end(String)}
   */
  public OperationRun operationStarted(OperationType type, boolean resumed) {
    Observation o =
        Observation.createNotStarted(OPERATION, observations)
            .lowCardinalityKeyValue("type", type.name().toLowerCase(java.util.Locale.ROOT))
            .lowCardinalityKeyValue("resumed", String.valueOf(resumed))
            .contextualName("lifecycle " + type.name().toLowerCase(java.util.Locale.ROOT))
            .start();
    leases.incrementAndGet();
    return new OperationRun(o, leases);
  }

  /** One observed run of an operation. */
  public static final class OperationRun {
    private final Observation observation;
    private final AtomicInteger leases;
    private boolean ended;

    private OperationRun(Observation observation, AtomicInteger leases) {
      this.observation = observation;
      this.leases = leases;
    }

    /**
     * Ends the run: {@code succeeded} without an error, else {@code failed}, {@code cancelled},
     * {@code timed_out} or {@code error} as the error says. Idempotent.
     *
     * @param error how the run's future failed, or null
     */
    public synchronized void end(Throwable error) {
      if (ended) {
        return;
      }
      ended = true;
      leases.decrementAndGet();
      observation.lowCardinalityKeyValue("outcome", outcome(error)).stop();
    }

    private static String outcome(Throwable e) {
      if (e == null) {
        return "succeeded";
      }
      Throwable cause = io.clusterlifecycle.core.internal.exec.Failures.cause(e);
      if (cause instanceof io.clusterlifecycle.api.OperationFailedException failed) {
        return failed.operation().state() == io.clusterlifecycle.api.state.OperationState.CANCELLED
            ? "cancelled"
            : "failed";
      }
      return cause instanceof io.clusterlifecycle.api.error.LifecycleTimeoutException
          ? "timed_out"
          : "error";
    }
  }

  /** A step was launched. */
  public void stepStarted() {
    steps.incrementAndGet();
  }

  /** A launched step finished. */
  public void stepEnded(boolean ok) {
    steps.decrementAndGet();
    (ok ? stepsOk : stepsFailed).increment();
  }

  /**
   * A command is about to run.
   *
   * @return the time it started, for {@link #commandEnded}
   */
  public long commandStarted() {
    commands.incrementAndGet();
    return System.nanoTime();
  }

  /**
   * A command ended.
   *
   * @param started what {@link #commandStarted()} returned
   * @param service the service it ran
   * @param outcome {@code ok}, {@code nonzero}, {@code timed_out} or {@code error}
   */
  public void commandEnded(long started, String service, String outcome) {
    commands.decrementAndGet();
    commandTimers
        .computeIfAbsent(
            service + '\n' + outcome,
            k ->
                Timer.builder("lifecycle.command")
                    .description("commands run on nodes")
                    .tag("service", service)
                    .tag("outcome", outcome)
                    .register(registry))
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  /** An SPI call is made again after a transient failure. */
  public void retried() {
    retries.increment();
  }

  /** An operation whose engine's lease lapsed was taken over, with {@code outcome} ok or failed. */
  public void tookOver(String outcome) {
    takeOvers
        .computeIfAbsent(
            outcome,
            o ->
                Counter.builder("lifecycle.takeovers")
                    .description("operations taken over from an engine whose lease lapsed")
                    .tag("outcome", o)
                    .register(registry))
        .increment();
  }
}
