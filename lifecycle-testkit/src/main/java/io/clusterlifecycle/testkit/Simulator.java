package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Injects faults into any implementation of the four SPIs: {@link #wrap(ResourceProvider)} and its
 * overloads return decorators that pass each call to the wrapped SPI, or fail it, delay it, or —
 * once the crash switch has tripped — swallow it. An engine built on the decorators then meets the
 * failures a real deployment meets, reproducibly.
 *
 * <pre>{@code
 * Simulator sim = Simulator.builder().seed(42).scheduler(scheduler).build();
 * sim.transientFailures(SpiMethod.of(SpiMethod.Spi.RESOURCE_PROVIDER), 0.2);
 * sim.latency(SpiMethod.COMMAND_RUN, Duration.ZERO, Duration.ofMillis(20));
 * sim.crashAfter(17);                       // the 18th call and every later one never completes
 * LifecycleEngine engine = LifecycleEngine.builder()
 *     .resourceProvider(sim.wrap(provider)).commandExecutor(sim.wrap(executor))
 *     .metadataStore(sim.wrap(metadata)).clusterStore(sim.wrap(store)).build();
 * ...
 * Simulator next = sim.revive();            // a live view for the engine that takes over
 * }</pre>
 *
 * <h2>What is injected, per call</h2>
 *
 * Each call made through a decorator is numbered (from 1, across all decorators of this simulator)
 * and then, in this order:
 *
 * <ol>
 *   <li><b>Crash.</b> When the switch armed by {@link #crashAfter(int)} has tripped (or {@link
 *       #crash()} was called), the call returns a stage that never completes, does not reach the
 *       wrapped SPI and so has no effect: the process using these decorators is dead from that call
 *       on, including its store writes (lease renewals, journal appends). Counted as {@link
 *       FaultKind#CRASH}.
 *   <li><b>Failures.</b> A failure queued by {@link #failNext} for this call, else a {@link
 *       TransientSpiException} with the method's transient probability, else an {@link
 *       IllegalStateException} with its permanent probability. A failed call does not reach the
 *       wrapped SPI (nothing changes). Counted as {@link FaultKind#TRANSIENT} or {@link
 *       FaultKind#PERMANENT} (a queued error counts as transient exactly when it is a {@link
 *       TransientSpiException}).
 *   <li><b>Latency.</b> A delay drawn uniformly from the method's {@linkplain #latency(SpiMethod,
 *       Duration, Duration) range}; the call's outcome (result or failure) is delivered that much
 *       later, on the scheduler given to the builder. No thread sleeps. Counted as {@link
 *       FaultKind#LATENCY} when positive.
 * </ol>
 *
 * A call that is not failed reaches the wrapped SPI at once, on the caller's thread; its effect
 * happens then. If the crash switch trips before its outcome is delivered, the outcome is withheld
 * for ever ({@link FaultKind#LOST_RESPONSE}): the effect stands but the caller never learns of it,
 * as when a process dies between a remote call and its reply. Cancelling a stage returned by a
 * decorator cancels the wrapped SPI's stage.
 *
 * <h2>Reproducibility</h2>
 *
 * The decisions for a call come from a {@link java.util.Random} seeded with a mix of the
 * simulator's seed, its {@linkplain #generation() generation}, the method, the call's {@linkplain
 * InjectedFault#subject() subject} and how many calls of the same method on the same subject came
 * before it. The same seed and settings therefore give the same faults to the same calls, even when
 * calls of different methods or on different nodes interleave differently from run to run. Every
 * call draws the same numbers whatever the settings, so raising a probability only adds faults. The
 * crash switch counts calls in the order they are made, which is only as reproducible as that
 * order.
 *
 * <h2>Threads</h2>
 *
 * Thread-safe: decorators may be called from any thread, and settings may be changed while calls
 * are made; a change applies to calls made after it returns. Decorators never block. Closing a
 * decorator does not close the wrapped SPI, which belongs to the caller (it is usually shared by
 * several generations of decorators). Watches registered through a decorated {@link MetadataStore}
 * are passed through unchanged, uncounted, and receive nothing after the crash.
 */
public final class Simulator {
  /** Seed of a simulator whose builder was given none. */
  public static final long DEFAULT_SEED = 20_261_122L;

  /** Message prefix of every error the simulator makes up. */
  public static final String SIMULATED = "simulated ";

  private static final double NONE = 0.0;

  private final long seed;
  private final int generation;
  private final ScheduledExecutorService scheduler;

  // settings
  private final Map<SpiMethod, Double> transientRates = new ConcurrentHashMap<>();
  private final Map<SpiMethod, Double> permanentRates = new ConcurrentHashMap<>();
  private final Map<SpiMethod, Latency> latencies = new ConcurrentHashMap<>();
  private final Map<SpiMethod, List<Queued>> queued = new ConcurrentHashMap<>();
  private final Map<SpiMethod, AtomicLong> methodCalls = new ConcurrentHashMap<>();

  // per (method, subject): how many calls so far, for the decision stream
  private final Map<String, AtomicLong> ordinals = new ConcurrentHashMap<>();

  // the crash switch and admission accounting
  private final Object switchLock = new Object();
  private long calls; // guarded by switchLock
  private long crashLimit = Long.MAX_VALUE; // guarded by switchLock; calls above it are dead
  private long admitting; // guarded by switchLock: calls admitted, not yet handed to the SPI
  private volatile boolean crashed;

  // reports
  private final Map<FaultKind, AtomicLong> counts = new EnumMap<>(FaultKind.class);
  private final List<InjectedFault> injected = Collections.synchronizedList(new ArrayList<>());

  private record Latency(Duration min, Duration max) {}

  /** A failure queued for the call of a method whose number (per method, from 1) is {@code at}. */
  private record Queued(long at, Throwable error) {}

  private record Decision(Throwable error, FaultKind kind, Duration latency) {}

  private Simulator(long seed, int generation, ScheduledExecutorService scheduler) {
    this.seed = seed;
    this.generation = generation;
    this.scheduler = scheduler;
    for (FaultKind k : FaultKind.values()) {
      counts.put(k, new AtomicLong());
    }
  }

  /**
   * Starts a builder: seed {@link #DEFAULT_SEED}, no scheduler (so no latency).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- decorators

  /**
   * Wraps a resource provider.
   *
   * @param delegate the provider calls are passed to
   * @return a provider injecting this simulator's faults
   * @throws NullPointerException if {@code delegate} is null
   */
  public ResourceProvider wrap(ResourceProvider delegate) {
    return new SimulatedResourceProvider(this, Objects.requireNonNull(delegate, "delegate"));
  }

  /**
   * Wraps a command executor. The subject of a run is {@code <node-id>/<service>}.
   *
   * @param delegate the executor calls are passed to
   * @return an executor injecting this simulator's faults
   * @throws NullPointerException if {@code delegate} is null
   */
  public CommandExecutor wrap(CommandExecutor delegate) {
    return new SimulatedCommandExecutor(this, Objects.requireNonNull(delegate, "delegate"));
  }

  /**
   * Wraps a metadata store.
   *
   * @param delegate the store calls are passed to
   * @return a store injecting this simulator's faults
   * @throws NullPointerException if {@code delegate} is null
   */
  public MetadataStore wrap(MetadataStore delegate) {
    return new SimulatedMetadataStore(this, Objects.requireNonNull(delegate, "delegate"));
  }

  /**
   * Wraps a cluster store.
   *
   * @param delegate the store calls are passed to
   * @return a store injecting this simulator's faults
   * @throws NullPointerException if {@code delegate} is null
   */
  public ClusterStore wrap(ClusterStore delegate) {
    return new SimulatedClusterStore(this, Objects.requireNonNull(delegate, "delegate"));
  }

  // ---------------------------------------------------------------- settings

  /**
   * Sets the probability that a call of a method fails with {@link TransientSpiException}.
   *
   * @param method the method
   * @param probability from {@code 0} (never, the default) to {@code 1} (always)
   * @return this simulator
   * @throws IllegalArgumentException if {@code probability} is not within [0, 1]
   * @throws NullPointerException if {@code method} is null
   */
  public Simulator transientFailures(SpiMethod method, double probability) {
    return transientFailures(List.of(Objects.requireNonNull(method, "method")), probability);
  }

  /**
   * Sets the probability that a call of any of the methods fails with {@link
   * TransientSpiException}.
   *
   * @param methods the methods, for example {@link SpiMethod#of(SpiMethod.Spi)} or {@link
   *     SpiMethod#all()}
   * @param probability from {@code 0} (never, the default) to {@code 1} (always)
   * @return this simulator
   * @throws IllegalArgumentException if {@code probability} is not within [0, 1]
   * @throws NullPointerException if {@code methods} or one of them is null
   */
  public Simulator transientFailures(Collection<SpiMethod> methods, double probability) {
    setRate(transientRates, methods, probability, "transient");
    return this;
  }

  /**
   * Sets the probability that a call of a method fails with a permanent error ({@link
   * IllegalStateException}).
   *
   * @param method the method
   * @param probability from {@code 0} (never, the default) to {@code 1} (always)
   * @return this simulator
   * @throws IllegalArgumentException if {@code probability} is not within [0, 1]
   * @throws NullPointerException if {@code method} is null
   */
  public Simulator permanentFailures(SpiMethod method, double probability) {
    return permanentFailures(List.of(Objects.requireNonNull(method, "method")), probability);
  }

  /**
   * Sets the probability that a call of any of the methods fails with a permanent error ({@link
   * IllegalStateException}).
   *
   * @param methods the methods
   * @param probability from {@code 0} (never, the default) to {@code 1} (always)
   * @return this simulator
   * @throws IllegalArgumentException if {@code probability} is not within [0, 1]
   * @throws NullPointerException if {@code methods} or one of them is null
   */
  public Simulator permanentFailures(Collection<SpiMethod> methods, double probability) {
    setRate(permanentRates, methods, probability, "permanent");
    return this;
  }

  /**
   * Delays the outcome of every call of a method by a time drawn uniformly from {@code [min, max]}.
   *
   * @param method the method
   * @param min the shortest delay
   * @param max the longest delay; {@link Duration#ZERO} for both removes the latency
   * @return this simulator
   * @throws IllegalArgumentException if {@code min} is negative or above {@code max}
   * @throws IllegalStateException if {@code max} is positive and the builder was given no scheduler
   * @throws NullPointerException if an argument is null
   */
  public Simulator latency(SpiMethod method, Duration min, Duration max) {
    return latency(List.of(Objects.requireNonNull(method, "method")), min, max);
  }

  /**
   * Delays the outcome of every call of the methods by a time drawn uniformly from {@code [min,
   * max]}.
   *
   * @param methods the methods
   * @param min the shortest delay
   * @param max the longest delay; {@link Duration#ZERO} for both removes the latency
   * @return this simulator
   * @throws IllegalArgumentException if {@code min} is negative or above {@code max}
   * @throws IllegalStateException if {@code max} is positive and the builder was given no scheduler
   * @throws NullPointerException if an argument is null
   */
  public Simulator latency(Collection<SpiMethod> methods, Duration min, Duration max) {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    List<SpiMethod> targets = List.copyOf(methods);
    if (min.isNegative() || min.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "latency needs 0 <= min <= max, was [" + min + ", " + max + "]");
    }
    if (!max.isZero() && scheduler == null) {
      throw new IllegalStateException(
          "a latency needs a scheduler: build the simulator with "
              + "Simulator.builder().scheduler(...)");
    }
    for (SpiMethod m : targets) {
      if (max.isZero()) {
        latencies.remove(m);
      } else {
        latencies.put(m, new Latency(min, max));
      }
    }
    return this;
  }

  /**
   * Makes the next call of a method fail with {@code error} before it reaches the wrapped SPI.
   * Several queued errors fail that many calls, in the order they were queued. Queued errors take
   * precedence over the probabilities.
   *
   * @param method the method
   * @param error the error its stage completes with; a {@link TransientSpiException} is counted as
   *     transient, anything else as permanent
   * @return this simulator
   * @throws NullPointerException if an argument is null
   */
  public Simulator failNext(SpiMethod method, Throwable error) {
    return failNext(method, 0, error);
  }

  /**
   * Lets the next {@code skip} calls of a method through, then makes the one after them fail with
   * {@code error} before it reaches the wrapped SPI: a fault placed at an exact call, for example
   * the third {@link SpiMethod#STORE_PUT_OPERATION} of an operation. Failures queued for the same
   * call fail that call and the ones after it, in the order they were queued.
   *
   * @param method the method
   * @param skip how many calls of the method go ahead first, {@code >= 0}
   * @param error the error the failing call's stage completes with; a {@link TransientSpiException}
   *     is counted as transient, anything else as permanent
   * @return this simulator
   * @throws IllegalArgumentException if {@code skip} is negative
   * @throws NullPointerException if {@code method} or {@code error} is null
   */
  public Simulator failNext(SpiMethod method, int skip, Throwable error) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(error, "error");
    if (skip < 0) {
      throw new IllegalArgumentException("skip must be >= 0, was " + skip);
    }
    long at = calls(method) + skip + 1;
    List<Queued> q = queued.computeIfAbsent(method, m -> new ArrayList<>());
    synchronized (q) {
      q.add(new Queued(at, error));
      q.sort(java.util.Comparator.comparingLong(Queued::at));
    }
    return this;
  }

  /**
   * Makes the next call of a method fail permanently, with an {@link IllegalStateException} whose
   * message starts with {@value #SIMULATED}.
   *
   * @param method the method
   * @return this simulator
   * @throws NullPointerException if {@code method} is null
   */
  public Simulator failNext(SpiMethod method) {
    return failNext(
        method,
        new IllegalStateException(
            SIMULATED + "permanent failure of " + method + " (queued by failNext)"));
  }

  /**
   * Removes every probability, latency and queued failure; the crash switch is not touched.
   *
   * @return this simulator
   */
  public Simulator clearFaults() {
    transientRates.clear();
    permanentRates.clear();
    latencies.clear();
    queued.clear();
    return this;
  }

  // ---------------------------------------------------------------- crash switch

  /**
   * Arms the crash switch: the next {@code calls} calls made through this simulator's decorators go
   * ahead, and every call after them is swallowed (see the class description). Arming again before
   * the switch trips replaces the earlier count.
   *
   * @param calls how many more calls may go ahead; {@code 0} makes the very next call the first
   *     dead one
   * @return this simulator
   * @throws IllegalArgumentException if {@code calls} is negative
   * @throws IllegalStateException if the switch has already tripped; use {@link #revive()}
   */
  public Simulator crashAfter(int calls) {
    if (calls < 0) {
      throw new IllegalArgumentException("calls must be >= 0, was " + calls);
    }
    synchronized (switchLock) {
      requireAlive();
      crashLimit = this.calls + calls;
    }
    return this;
  }

  /**
   * Trips the crash switch now: every call made after this returns is swallowed.
   *
   * @return this simulator
   */
  public Simulator crash() {
    synchronized (switchLock) {
      crashed = true;
      switchLock.notifyAll();
    }
    return this;
  }

  /**
   * Disarms a crash switch that has not tripped yet.
   *
   * @return true when an armed switch was disarmed; false when none was armed or it has already
   *     tripped (a crash cannot be undone; use {@link #revive()})
   */
  public boolean disarm() {
    synchronized (switchLock) {
      if (crashed || crashLimit == Long.MAX_VALUE) {
        return false;
      }
      crashLimit = Long.MAX_VALUE;
      return true;
    }
  }

  /**
   * Tells whether the crash switch has tripped.
   *
   * @return true once a call was swallowed by an armed switch, or {@link #crash()} was called
   */
  public boolean crashed() {
    return crashed;
  }

  /**
   * Waits until the crash switch has tripped and every call that went ahead before it has been
   * handed to its wrapped SPI; from then on nothing reaches the wrapped SPIs through this
   * simulator. Effects a wrapped SPI performs later on its own threads are not covered. Waits on a
   * condition; never sleeps.
   *
   * @param timeout how long to wait at most
   * @return true when crashed and quiet; false on timeout or when the calling thread is interrupted
   *     (its interrupt flag is then set again)
   * @throws NullPointerException if {@code timeout} is null
   */
  public boolean awaitCrashed(Duration timeout) {
    long deadline = System.nanoTime() + Objects.requireNonNull(timeout, "timeout").toNanos();
    synchronized (switchLock) {
      while (!crashed || admitting > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(switchLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Returns a live simulator for the process that comes after a crash: a new switch (not armed), no
   * calls counted, the same scheduler, the same probabilities and latencies, the failures still
   * queued here, and the next {@link #generation()} (so its decisions differ from this one's). This
   * simulator and its decorators stay as they are: once crashed, dead for ever. Wrap the same SPIs
   * with the new simulator to build the next engine.
   *
   * @return the new simulator
   */
  public Simulator revive() {
    Simulator next = new Simulator(seed, generation + 1, scheduler);
    next.transientRates.putAll(transientRates);
    next.permanentRates.putAll(permanentRates);
    next.latencies.putAll(latencies);
    queued.forEach(
        (m, q) -> {
          long made = calls(m);
          List<Queued> copy = new ArrayList<>();
          synchronized (q) {
            q.forEach(e -> copy.add(new Queued(Math.max(1, e.at() - made), e.error())));
          }
          next.queued.put(m, copy);
        });
    return next;
  }

  // ---------------------------------------------------------------- reports

  /**
   * Returns the seed the decisions are drawn from.
   *
   * @return the seed given to the builder, shared by every revived simulator
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns how many times the simulator this one descends from was revived.
   *
   * @return {@code 0} for a simulator made by a builder, one more for each {@link #revive()}
   */
  public int generation() {
    return generation;
  }

  /**
   * Counts the calls made through this simulator's decorators, including swallowed ones.
   *
   * @return the number of calls
   */
  public long calls() {
    synchronized (switchLock) {
      return calls;
    }
  }

  /**
   * Counts the calls of one method that went ahead (were not swallowed by the crash switch).
   *
   * @param method the method
   * @return the number of calls, failed ones included
   * @throws NullPointerException if {@code method} is null
   */
  public long calls(SpiMethod method) {
    AtomicLong n = methodCalls.get(Objects.requireNonNull(method, "method"));
    return n == null ? 0 : n.get();
  }

  /**
   * Counts the faults of one kind injected so far.
   *
   * @param kind the kind
   * @return the number of calls it was injected into
   * @throws NullPointerException if {@code kind} is null
   */
  public long count(FaultKind kind) {
    return counts.get(Objects.requireNonNull(kind, "kind")).get();
  }

  /**
   * Counts the faults of every kind injected so far.
   *
   * @return a snapshot with every kind, in declaration order
   */
  public Map<FaultKind, Long> counts() {
    Map<FaultKind, Long> snapshot = new EnumMap<>(FaultKind.class);
    counts.forEach((k, v) -> snapshot.put(k, v.get()));
    return Collections.unmodifiableMap(snapshot);
  }

  /**
   * Returns every fault injected so far, in the order they were injected; a call may appear twice
   * (latency, then a lost response). Kept in memory for the simulator's life.
   *
   * @return a snapshot
   */
  public List<InjectedFault> injected() {
    synchronized (injected) {
      return List.copyOf(injected);
    }
  }

  @Override
  public String toString() {
    return "Simulator[seed="
        + seed
        + ", generation="
        + generation
        + ", calls="
        + calls()
        + (crashed ? ", crashed" : "")
        + ", faults="
        + counts()
        + "]";
  }

  // ---------------------------------------------------------------- the call path

  /**
   * Runs one call through the switch, the failure and latency decisions and the wrapped SPI. Never
   * blocks.
   */
  <T> CompletableFuture<T> call(
      SpiMethod method, String subject, Supplier<? extends CompletionStage<T>> target) {
    long n;
    synchronized (switchLock) {
      n = ++calls;
      if (!crashed && n > crashLimit) {
        crashed = true;
        switchLock.notifyAll();
      }
      if (crashed) {
        // recorded under the lock, so that awaitCrashed's caller sees it counted
        record(n, method, subject, FaultKind.CRASH, Duration.ZERO, "");
        return new CompletableFuture<>();
      }
      admitting++;
    }
    CompletionStage<T> source;
    Decision d;
    try {
      d = decide(n, method, subject);
      if (d.error() != null) {
        record(n, method, subject, d.kind(), Duration.ZERO, String.valueOf(d.error().getMessage()));
        source = CompletableFuture.failedFuture(d.error());
      } else {
        source = Objects.requireNonNull(target.get(), "the wrapped SPI returned a null stage");
      }
    } finally {
      synchronized (switchLock) {
        admitting--;
        if (admitting == 0) {
          switchLock.notifyAll();
        }
      }
    }
    if (d.latency().compareTo(Duration.ZERO) > 0) {
      record(n, method, subject, FaultKind.LATENCY, d.latency(), "");
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    out.whenComplete(
        (v, e) -> {
          if (out.isCancelled()) {
            cancel(source);
          }
        });
    long callNo = n;
    source.whenComplete((v, e) -> deliver(callNo, method, subject, out, v, e, d.latency()));
    return out;
  }

  private static void cancel(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException e) {
      // a stage that cannot be turned into a future cannot be cancelled either
    }
  }

  private <T> void deliver(
      long n,
      SpiMethod method,
      String subject,
      CompletableFuture<T> out,
      T value,
      Throwable error,
      Duration latency) {
    if (crashed) {
      record(n, method, subject, FaultKind.LOST_RESPONSE, Duration.ZERO, "");
      return;
    }
    Runnable complete =
        () -> {
          if (crashed) {
            record(n, method, subject, FaultKind.LOST_RESPONSE, Duration.ZERO, "");
          } else if (error != null) {
            out.completeExceptionally(error);
          } else {
            out.complete(value);
          }
        };
    if (latency.isZero()) {
      complete.run();
      return;
    }
    try {
      scheduler.schedule(complete, latency.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      complete.run();
    }
  }

  private Decision decide(long n, SpiMethod method, String subject) {
    String key = method.name() + '\u0000' + subject;
    long ordinal = ordinals.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    Random random = new Random(mix(mix(mix(seed, generation), key.hashCode()), ordinal));
    double transientDraw = random.nextDouble();
    double permanentDraw = random.nextDouble();
    double latencyDraw = random.nextDouble();
    Latency range = latencies.get(method);
    Duration latency = Duration.ZERO;
    if (range != null) {
      long span = range.max().toNanos() - range.min().toNanos();
      latency = range.min().plusNanos((long) (latencyDraw * span));
    }
    long nth = methodCalls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
    Throwable next = null;
    List<Queued> q = queued.get(method);
    if (q != null) {
      synchronized (q) {
        if (!q.isEmpty() && q.get(0).at() <= nth) {
          next = q.remove(0).error();
        }
      }
    }
    if (next != null) {
      return new Decision(
          next,
          next instanceof TransientSpiException ? FaultKind.TRANSIENT : FaultKind.PERMANENT,
          latency);
    }
    if (transientDraw < transientRates.getOrDefault(method, NONE)) {
      return new Decision(
          new TransientSpiException(
              SIMULATED
                  + "transient failure of "
                  + method
                  + subjectText(subject)
                  + " (call "
                  + n
                  + ")",
              null),
          FaultKind.TRANSIENT,
          latency);
    }
    if (permanentDraw < permanentRates.getOrDefault(method, NONE)) {
      return new Decision(
          new IllegalStateException(
              SIMULATED
                  + "permanent failure of "
                  + method
                  + subjectText(subject)
                  + " (call "
                  + n
                  + ")"),
          FaultKind.PERMANENT,
          latency);
    }
    return new Decision(null, null, latency);
  }

  private static String subjectText(String subject) {
    return subject.isEmpty() ? "" : " on " + subject;
  }

  private void record(
      long n, SpiMethod method, String subject, FaultKind kind, Duration latency, String error) {
    counts.get(kind).incrementAndGet();
    injected.add(new InjectedFault(n, method, subject, kind, latency, error));
  }

  private void requireAlive() {
    if (crashed) {
      throw new IllegalStateException("the simulator has crashed; revive() gives a live one");
    }
  }

  /** Tells whether the switch has not tripped: watches pass notifications on only then. */
  boolean alive() {
    return !crashed;
  }

  private static void setRate(
      Map<SpiMethod, Double> rates,
      Collection<SpiMethod> methods,
      double probability,
      String what) {
    Objects.requireNonNull(methods, "methods");
    if (!(probability >= 0.0 && probability <= 1.0)) {
      throw new IllegalArgumentException(
          what + " failure probability must be within [0, 1], was " + probability);
    }
    for (SpiMethod m : List.copyOf(methods)) {
      if (probability == 0.0) {
        rates.remove(m);
      } else {
        rates.put(m, probability);
      }
    }
  }

  /** SplitMix64's finaliser over a combination of two values. */
  private static long mix(long a, long b) {
    long z = a + 0x9E3779B97F4A7C15L * (b + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Builds a {@link Simulator}; not thread-safe. Defaults: seed {@link #DEFAULT_SEED}, no
   * scheduler.
   */
  public static final class Builder {
    private long seed = DEFAULT_SEED;
    private ScheduledExecutorService scheduler;

    private Builder() {}

    /**
     * Sets the seed every decision is drawn from.
     *
     * @param value any value; the same value gives the same faults to the same calls
     * @return this builder
     */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * Sets the scheduler that delivers delayed outcomes; required for latency. The simulator never
     * shuts it down. Outcomes are delivered on its threads, so the code receiving them runs there:
     * give a scheduler that no caller blocks.
     *
     * @param value a real or virtual-time scheduler
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Builds the simulator: no faults, no latency, crash switch not armed, generation 0.
     *
     * @return the simulator
     */
    public Simulator build() {
      return new Simulator(seed, 0, scheduler);
    }
  }
}
