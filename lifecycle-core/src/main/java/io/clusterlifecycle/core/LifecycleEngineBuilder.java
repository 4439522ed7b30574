package io.clusterlifecycle.core;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.spec.SecretRef;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.spi.SecretResolver;
import io.clusterlifecycle.api.spi.SpecPlugin;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Builds a {@link LifecycleEngine}. The four SPIs (resource provider, command executor, metadata
 * store, cluster store) are required; everything else has a default. Setters check their argument
 * at once; {@link #build()} checks that the SPIs are set. Not thread-safe.
 */
public final class LifecycleEngineBuilder {
  ResourceProvider resources;
  CommandExecutor commands;
  MetadataStore metadata;
  ClusterStore store;
  final List<EventListener> listeners = new ArrayList<>();
  Clock clock = Clock.systemUTC();
  ScheduledExecutorService scheduler;
  Executor executor;
  int maxInFlight = LifecycleEngine.DEFAULT_MAX_IN_FLIGHT;
  int maxNodesPerCluster = LifecycleEngine.DEFAULT_MAX_NODES_PER_CLUSTER;
  int actionNumber = 1;
  Duration actionPeriod = Duration.ofSeconds(60);
  int maxNodesPerRequest = LifecycleEngine.DEFAULT_MAX_NODES_PER_REQUEST;
  Duration defaultTimeout = LifecycleEngine.DEFAULT_TIMEOUT;
  String metadataRoot = LifecycleEngine.DEFAULT_METADATA_ROOT;
  Duration commandGrace = Duration.ofSeconds(5);
  Duration leaseDuration = LifecycleEngine.DEFAULT_LEASE;
  boolean resumeOnStart;
  Duration takeOverEvery;
  Duration healthEvery;
  Duration autoscaleEvery;
  Duration reconcileEvery;
  Duration eventPollInterval = Duration.ofMillis(500);
  Duration eventCloseWait = Duration.ofSeconds(5);
  io.clusterlifecycle.api.spi.MetricsSource metricsSource;
  io.micrometer.core.instrument.MeterRegistry meterRegistry;
  io.micrometer.observation.ObservationRegistry observationRegistry;
  String host;
  SecretResolver secretResolver;
  Function<String, Optional<String>> hostSecrets;
  final Map<String, SpecPlugin> plugins = new LinkedHashMap<>();

  /**
   * Registers a plugin clusters may enable (docs/design.md §15). Default: none; a request naming a
   * plugin not registered is refused. Repeatable.
   *
   * @param value the plugin
   * @return this builder
   * @throws IllegalArgumentException if a plugin of the same name is registered already
   */
  public LifecycleEngineBuilder plugin(SpecPlugin value) {
    Objects.requireNonNull(value, "plugin");
    String name = Objects.requireNonNull(value.name(), "plugin name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a plugin's name must not be blank");
    }
    if (plugins.containsKey(name)) {
      throw new IllegalArgumentException("a plugin named '" + name + "' is registered already");
    }
    plugins.put(name, value);
    return this;
  }

  RetryConfig retry =
      RetryConfig.<Object>custom()
          .maxAttempts(5)
          .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
          .retryOnException(Failures::isTransient)
          .build();

  LifecycleEngineBuilder() {}

  /**
   * Sets how the engine finds the values of the secrets specs refer to (docs/design.md §9.9).
   * Default: {@link SecretResolvers#defaults()} ({@code env:} from the engine's environment, {@code
   * file:} from files), plus {@code host:} when {@link #hostSecrets} is set. Combine resolvers by
   * scheme with {@link SecretResolvers#byScheme}.
   *
   * @param value the resolver every secret of every operation goes through
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder secretResolver(SecretResolver value) {
    this.secretResolver = Objects.requireNonNull(value, "secretResolver");
    return this;
  }

  /**
   * Lets specs refer to secrets the embedding platform holds, as {@code host:KEY}, in addition to
   * the default {@code env:} and {@code file:} schemes. Not combinable with {@link
   * #secretResolver}: add {@link SecretResolvers#host} to your own resolver instead.
   *
   * @param lookup gives a key's value, or empty when there is none; called on the engine's threads,
   *     so it must be quick and must not block
   * @return this builder
   * @throws NullPointerException if {@code lookup} is null
   */
  public LifecycleEngineBuilder hostSecrets(Function<String, Optional<String>> lookup) {
    this.hostSecrets = Objects.requireNonNull(lookup, "hostSecrets");
    return this;
  }

  /** The resolver the engine uses: the one set, or the defaults (with host: when given). */
  SecretResolver effectiveSecretResolver() {
    if (secretResolver != null) {
      return secretResolver;
    }
    Map<String, SecretResolver> schemes = new LinkedHashMap<>();
    schemes.put(SecretRef.ENV, SecretResolvers.environment());
    schemes.put(SecretRef.FILE, SecretResolvers.files());
    if (hostSecrets != null) {
      schemes.put(SecretRef.HOST, SecretResolvers.host(hostSecrets));
    }
    return SecretResolvers.byScheme(schemes);
  }

  /**
   * Sets how transient SPI failures ({@link io.clusterlifecycle.api.spi.TransientSpiException}) are
   * retried. Default: 5 attempts, exponential back-off from 200 ms, doubling.
   *
   * @param value the resilience4j retry configuration applied to every SPI call
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder retry(RetryConfig value) {
    this.retry = Objects.requireNonNull(value, "retry");
    return this;
  }

  /**
   * Makes the engine, as soon as it is built, recover every cluster whose operation was interrupted
   * (its engine's lease lapsed), in the background. Off by default. The futures of those recoveries
   * are available from {@link LifecycleEngine#resumedOnStart()}.
   *
   * @param value true to resume interrupted operations when the engine starts
   * @return this builder
   */
  public LifecycleEngineBuilder resumeInterruptedOnStart(boolean value) {
    this.resumeOnStart = value;
    return this;
  }

  /**
   * Makes the engine check the health of every idle running cluster every {@code every}, as {@link
   * LifecycleEngine#checkHealthAsync} would (docs/design.md §3.6), moving each between {@code
   * RUNNING} and {@code WARNING}. Checks run on the engine's scheduler and executor, one cluster
   * after another; a check still going when the next is due is not doubled. Off by default.
   *
   * @param every a positive interval between rounds, or null to turn checking off
   * @return this builder
   * @throws IllegalArgumentException if {@code every} is zero or negative
   */
  public LifecycleEngineBuilder checkHealthEvery(Duration every) {
    if (every != null && (every.isNegative() || every.isZero())) {
      throw new IllegalArgumentException("checkHealthEvery must be positive, was " + every);
    }
    this.healthEvery = every;
    return this;
  }

  /**
   * Sets how often a subscription of {@link LifecycleEngine#subscribe} looks for events other
   * engines and processes kept in the store (docs/design.md §8.3); events this engine keeps are
   * delivered at once. Default: 500 ms.
   *
   * @param every a positive interval
   * @return this builder
   * @throws IllegalArgumentException if {@code every} is null, zero or negative
   */
  public LifecycleEngineBuilder eventPollInterval(Duration every) {
    if (every == null || every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("eventPollInterval must be positive, was " + every);
    }
    this.eventPollInterval = every;
    return this;
  }

  /**
   * Sets how long {@link LifecycleEngine#close()} waits for the events it has not yet written to
   * the store's event log (docs/design.md §8.3); events still queued after that are not kept.
   * Default: 5 s. Zero closes at once, as an engine on virtual time must, where no store call
   * completes while the closing thread waits.
   *
   * @param wait zero or a positive duration
   * @return this builder
   * @throws IllegalArgumentException if {@code wait} is null or negative
   */
  public LifecycleEngineBuilder eventCloseWait(Duration wait) {
    if (wait == null || wait.isNegative()) {
      throw new IllegalArgumentException("eventCloseWait must be zero or positive, was " + wait);
    }
    this.eventCloseWait = wait;
    return this;
  }

  /**
   * Makes the engine reconcile every cluster that is not DONE every {@code every} (docs/design.md
   * §7.9), one after another on its scheduler and executor, emitting a {@code DRIFT_FOUND} event
   * for each difference between a record and the infrastructure. Reads only. Off by default.
   *
   * @param every a positive interval between rounds, or null to turn it off
   * @return this builder
   * @throws IllegalArgumentException if {@code every} is zero or negative
   */
  public LifecycleEngineBuilder reconcileEvery(Duration every) {
    if (every != null && (every.isNegative() || every.isZero())) {
      throw new IllegalArgumentException("reconcileEvery must be positive, was " + every);
    }
    this.reconcileEvery = every;
    return this;
  }

  /**
   * Makes the engine run roles' elasticity and scheduled policies (docs/design.md §6.14): every
   * {@code every}, on the engine's scheduler, it ends cooldowns that have passed, judges the
   * policies that are due and submits the change they ask for as an elastic-scale operation. Its
   * counters live in the clusters' records, so a restarted engine goes on where it stopped. The
   * interval should be shorter than the policies' periods. Off by default.
   *
   * @param every a positive interval between rounds, or null to turn autoscaling off
   * @return this builder
   * @throws IllegalArgumentException if {@code every} is zero or negative
   */
  public LifecycleEngineBuilder autoscaleEvery(Duration every) {
    if (every != null && (every.isNegative() || every.isZero())) {
      throw new IllegalArgumentException("autoscaleEvery must be positive, was " + every);
    }
    this.autoscaleEvery = every;
    return this;
  }

  /**
   * Sets where elasticity policies read their metrics. By default each role's {@code metrics}
   * service is run on its running nodes and the {@code NAME=value} lines it prints are averaged.
   *
   * @param value the source
   * @return this builder
   */
  public LifecycleEngineBuilder metricsSource(io.clusterlifecycle.api.spi.MetricsSource value) {
    this.metricsSource = Objects.requireNonNull(value, "metricsSource");
    return this;
  }

  /**
   * Sets where the engine's meters go (docs/design.md §8.1): operations by type and outcome with
   * their durations, steps and commands in flight, command durations, store call latencies,
   * retries, leases held and operations taken over. Unless {@link #observationRegistry} is set,
   * operations are observed as timers on this registry. None by default: nothing is measured.
   *
   * @param value the registry
   * @return this builder
   */
  public LifecycleEngineBuilder meterRegistry(io.micrometer.core.instrument.MeterRegistry value) {
    this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
    return this;
  }

  /**
   * Sets where each run of an operation is observed, as the observation {@code lifecycle.operation}
   * (docs/design.md §8.1), for handlers such as tracing. By default operations are observed as
   * timers on the {@link #meterRegistry}.
   *
   * @param value the registry
   * @return this builder
   */
  public LifecycleEngineBuilder observationRegistry(
      io.micrometer.observation.ObservationRegistry value) {
    this.observationRegistry = Objects.requireNonNull(value, "observationRegistry");
    return this;
  }

  /**
   * Makes the engine look for interrupted operations every {@code every} and take them over: every
   * cluster with an operation whose engine's lease lapsed (the engine died or lost its store) is
   * recovered in the background, as {@link LifecycleEngine#recoverAsync} would. This is how
   * replicas of a control plane sharing one store finish each other's work. Off by default.
   *
   * @param every a positive interval between scans, or null to turn scanning off
   * @return this builder
   * @throws IllegalArgumentException if {@code every} is zero or negative
   */
  public LifecycleEngineBuilder takeOverInterrupted(Duration every) {
    if (every != null && (every.isNegative() || every.isZero())) {
      throw new IllegalArgumentException("takeOverInterrupted must be positive, was " + every);
    }
    this.takeOverEvery = every;
    return this;
  }

  /**
   * Sets the machine name this engine writes into its leases. An engine treats the lease of a dead
   * process on its own machine as lapsed at once; set a distinct name per engine where engines
   * share a host name but not process ids (containers), so that only lease expiry counts there.
   * Default: the local host name.
   *
   * @param value a non-empty name
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is null or blank
   */
  public LifecycleEngineBuilder host(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("host must be a non-empty name");
    }
    this.host = value;
    return this;
  }

  /**
   * Sets how long this engine's ownership of a running operation lasts without renewal; it is
   * renewed every third of that. Another engine takes an operation over only after it lapsed.
   *
   * @param value a positive duration; default {@link LifecycleEngine#DEFAULT_LEASE} (30 seconds)
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is zero or negative
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder leaseDuration(Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("leaseDuration must be positive, was " + value);
    }
    this.leaseDuration = value;
    return this;
  }

  /**
   * Sets the resource provider that creates, resizes and deletes the nodes' machines or containers.
   * Required. The engine never closes it.
   *
   * @param value the provider
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder resourceProvider(ResourceProvider value) {
    this.resources = Objects.requireNonNull(value, "resourceProvider");
    return this;
  }

  /**
   * Sets the command executor that runs the app spec's service commands on the nodes. Required. The
   * engine never closes it.
   *
   * @param value the executor
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder commandExecutor(CommandExecutor value) {
    this.commands = Objects.requireNonNull(value, "commandExecutor");
    return this;
  }

  /**
   * Sets the metadata store the engine publishes each cluster's metadata tree to, under {@link
   * #metadataRoot(String)}. Required. The engine never closes it.
   *
   * @param value the store
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder metadataStore(MetadataStore value) {
    this.metadata = Objects.requireNonNull(value, "metadataStore");
    return this;
  }

  /**
   * Sets the cluster store that keeps the durable records: clusters, operations, their journals and
   * backups. Engines sharing one store share their clusters and can take over each other's
   * interrupted operations. Required. The engine never closes it.
   *
   * @param value the store
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder clusterStore(ClusterStore value) {
    this.store = Objects.requireNonNull(value, "clusterStore");
    return this;
  }

  /**
   * Adds a listener that receives every event of the engine from the start, including those of
   * recoveries begun by {@link #resumeInterruptedOnStart(boolean)}; listeners are called in the
   * order they were added. See {@link LifecycleEngine#addListener} for the delivery contract.
   *
   * @param value the listener
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder eventListener(EventListener value) {
    listeners.add(Objects.requireNonNull(value, "eventListener"));
    return this;
  }

  /**
   * Sets the clock every timestamp, deadline and lease comes from; tests pass a fixed or virtual
   * one. Default: the system clock in UTC.
   *
   * @param value the clock
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  /**
   * Sets the scheduler used as the timer of timeouts, waits and retries; what follows a timer runs
   * on the {@linkplain #executor(Executor) executor}. Leases are renewed on a daemon thread of the
   * engine's own, whatever the scheduler. The engine does not shut down a scheduler it was given.
   * Default: one daemon thread of the engine's own.
   *
   * @param value the scheduler
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder scheduler(ScheduledExecutorService value) {
    this.scheduler = Objects.requireNonNull(value, "scheduler");
    return this;
  }

  /**
   * Sets the executor continuations run on; the engine does not shut down an executor it was given.
   * Default: two daemon threads of the engine's own.
   *
   * @param value the executor
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder executor(Executor value) {
    this.executor = Objects.requireNonNull(value, "executor");
    return this;
  }

  /**
   * Sets how a role action is batched when its request does not say (docs/design.md §6.13), the
   * seed's {@code :action_number} and {@code :action_period}.
   *
   * @param number nodes per batch, {@code >= 1}; default 1
   * @param period the wait between two batches, not negative; default 60 s
   * @return this builder
   * @throws IllegalArgumentException if {@code number < 1} or {@code period} is negative
   */
  public LifecycleEngineBuilder actionBatches(int number, Duration period) {
    if (number < 1) {
      throw new IllegalArgumentException("the action number must be >= 1, was " + number);
    }
    if (period.isNegative()) {
      throw new IllegalArgumentException("the action period must not be negative, was " + period);
    }
    this.actionNumber = number;
    this.actionPeriod = period;
    return this;
  }

  /**
   * Sets how many nodes one cluster may have. A create, restore, add-nodes or add-role request
   * whose cluster would pass it is refused with a {@link
   * io.clusterlifecycle.api.error.ValidationException} before anything is planned or written.
   *
   * @param value {@code >= 1}; default {@value LifecycleEngine#DEFAULT_MAX_NODES_PER_CLUSTER}
   * @return this builder
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public LifecycleEngineBuilder maxNodesPerCluster(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("maxNodesPerCluster must be >= 1, was " + value);
    }
    this.maxNodesPerCluster = value;
    return this;
  }

  /**
   * Sets how many nodes one request may create. A request over it is refused with a {@link
   * io.clusterlifecycle.api.error.ValidationException} before anything is planned or written.
   *
   * @param value {@code >= 1}; default {@value LifecycleEngine#DEFAULT_MAX_NODES_PER_REQUEST}
   * @return this builder
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public LifecycleEngineBuilder maxNodesPerRequest(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("maxNodesPerRequest must be >= 1, was " + value);
    }
    this.maxNodesPerRequest = value;
    return this;
  }

  /**
   * Sets how many steps may be in flight across the engine.
   *
   * @param value {@code >= 1}; default {@value LifecycleEngine#DEFAULT_MAX_IN_FLIGHT}
   * @return this builder
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public LifecycleEngineBuilder maxInFlight(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, was " + value);
    }
    this.maxInFlight = value;
    return this;
  }

  /**
   * Sets the timeout of operations whose request gives none.
   *
   * @param value a positive duration; default {@link LifecycleEngine#DEFAULT_TIMEOUT} (one hour)
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is zero or negative
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder defaultTimeout(Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("defaultTimeout must be positive, was " + value);
    }
    this.defaultTimeout = value;
    return this;
  }

  /**
   * Sets the path under which each cluster's metadata tree is published, as {@code
   * ROOT/<cluster-id>}. Node agents reading the tree, and a metadata store that takes a root of its
   * own (such as the local one), must be given the same value.
   *
   * @param value an absolute path; default {@value LifecycleEngine#DEFAULT_METADATA_ROOT}
   * @return this builder
   * @throws IllegalArgumentException if {@code value} does not start with {@code /}
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder metadataRoot(String value) {
    if (!value.startsWith("/")) {
      throw new IllegalArgumentException("metadataRoot must start with '/', was " + value);
    }
    this.metadataRoot = value;
    return this;
  }

  /**
   * Sets how long past its own timeout a command may take before the engine gives up on it and
   * cancels it, so that an executor which enforces the timeout itself reports first.
   *
   * @param value a non-negative duration; default 5 seconds
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public LifecycleEngineBuilder commandGrace(Duration value) {
    this.commandGrace = Objects.requireNonNull(value, "commandGrace");
    return this;
  }

  /**
   * Builds the engine. It creates and starts its own daemon threads (the lease renewals', and the
   * scheduler's and executor's when none was given), which run until {@link
   * LifecycleEngine#close()}, starts the scan of {@link #takeOverInterrupted(Duration)} when set,
   * and, with {@link #resumeInterruptedOnStart(boolean)}, reads the cluster store once and starts
   * the recoveries in the background before it returns.
   *
   * @return the engine, ready for requests; close it when done
   * @throws IllegalStateException if an SPI is missing (the message names every missing one), or if
   *     both {@link #secretResolver} and {@link #hostSecrets} are set
   * @throws LifecycleException if resuming on start was asked for and the cluster store could not
   *     be read; the threads the build had started are stopped
   */
  public LifecycleEngine build() {
    List<String> missing = new ArrayList<>();
    if (resources == null) {
      missing.add("resourceProvider");
    }
    if (commands == null) {
      missing.add("commandExecutor");
    }
    if (metadata == null) {
      missing.add("metadataStore");
    }
    if (store == null) {
      missing.add("clusterStore");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "set " + String.join(", ", missing) + " before building the engine");
    }
    if (secretResolver != null && hostSecrets != null) {
      throw new IllegalStateException(
          "hostSecrets adds host: to the default secret resolver; with your own secretResolver,"
              + " include SecretResolvers.host(...) in it instead");
    }
    return new LifecycleEngine(this);
  }
}
