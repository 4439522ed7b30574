package io.clusterlifecycle.core;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ClusterQuery;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.internal.elastic.Autoscaler;
import io.clusterlifecycle.core.internal.elastic.Policies;
import io.clusterlifecycle.core.internal.engine.Execution;
import io.clusterlifecycle.core.internal.engine.GiveUp;
import io.clusterlifecycle.core.internal.engine.HealthCheck;
import io.clusterlifecycle.core.internal.engine.Recovery;
import io.clusterlifecycle.core.internal.engine.StoreCalls;
import io.clusterlifecycle.core.internal.engine.Submissions;
import io.clusterlifecycle.core.internal.exec.ActionDefaults;
import io.clusterlifecycle.core.internal.exec.AsyncLimiter;
import io.clusterlifecycle.core.internal.exec.DependentReloads;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.EventBus;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.Futures;
import io.clusterlifecycle.core.internal.exec.MetadataTree;
import io.clusterlifecycle.core.internal.exec.NodeLimits;
import io.clusterlifecycle.core.internal.metrics.EngineMeters;
import io.clusterlifecycle.core.internal.metrics.MeteredStore;
import io.clusterlifecycle.core.internal.ops.OperationRegistry;
import io.clusterlifecycle.core.internal.ownership.Claims;
import io.clusterlifecycle.core.internal.ownership.Leases;
import io.clusterlifecycle.core.internal.ownership.TakeOver;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The engine: validates requests, plans them, runs them through the SPIs and records every change
 * (docs/design.md). Build one with {@link #builder()}.
 *
 * <p>At most one operation runs per cluster: a second request waits for the first up to its own
 * timeout and then fails with {@link ConflictException}. Operations on different clusters run
 * concurrently, all bounded by one limit on the steps in flight. No thread is held per node or per
 * command, and no engine thread ever waits for another: only the blocking methods, on the caller's
 * thread, wait for the asynchronous ones. Leases are renewed on a thread of their own. Thread-safe.
 */
public final class LifecycleEngine implements Lifecycle {
  /** Steps in flight across the engine when none is configured. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;

  /** Most nodes of one cluster when none is configured. */
  public static final int DEFAULT_MAX_NODES_PER_CLUSTER = 10_000;

  /** Most nodes one request may create when none is configured. */
  public static final int DEFAULT_MAX_NODES_PER_REQUEST = 10_000;

  /** Operation timeout when neither the request nor the builder gives one. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  /** Root of every cluster's metadata tree when none is configured. */
  public static final String DEFAULT_METADATA_ROOT = "/clusters";

  /** How long an engine's ownership of a running operation lasts without renewal. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  private final EngineContext ctx;
  private final EventBus events;
  private final Duration defaultTimeout;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final StoreCalls store;
  private final Submissions submissions;
  private final Recovery recovery;
  private final HealthCheck health;
  private final Autoscaler autoscaler;
  private final GiveUp giveUp;
  private final Leases leases;
  private final io.clusterlifecycle.core.internal.engine.DriftCheck drift;
  private final io.clusterlifecycle.core.internal.engine.EventFeed feed;
  private final Map<String, CompletableFuture<Cluster>> resumedOnStart;
  private volatile boolean closed;

  LifecycleEngine(LifecycleEngineBuilder b) {
    this.defaultTimeout = b.defaultTimeout;
    ScheduledExecutorService scheduler = b.scheduler;
    // the engine's own threads start now, not within the first operation, whose submission and
    // first stage would wait for the thread starts (docs/design.md §14.3)
    if (scheduler == null) {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(1, daemon("lifecycle-scheduler"));
      timer.prestartAllCoreThreads();
      owned.add(timer::shutdownNow);
      scheduler = timer;
    }
    Executor executor = b.executor;
    if (executor == null) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              2,
              2,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              daemon("lifecycle-engine"));
      pool.prestartAllCoreThreads();
      owned.add(pool::shutdownNow);
      executor = pool;
    }
    this.events = new EventBus(b.clock, b.listeners);
    EngineMeters meters = EngineMeters.of(b.meterRegistry, b.observationRegistry);
    Retry retry = Retry.of("lifecycle", b.retry);
    retry.getEventPublisher().onRetry(e -> meters.retried());
    this.ctx =
        new EngineContext(
            b.resources,
            b.commands,
            b.meterRegistry == null
                ? b.metadata
                : MeteredStore.wrap(MetadataStore.class, b.metadata, "metadata", b.meterRegistry),
            b.meterRegistry == null
                ? b.store
                : MeteredStore.wrap(ClusterStore.class, b.store, "cluster", b.meterRegistry),
            events,
            new AsyncLimiter(b.maxInFlight, executor),
            scheduler,
            executor,
            b.clock,
            new MetadataTree(b.metadataRoot),
            b.commandGrace,
            retry,
            new NodeLimits(b.maxNodesPerCluster, b.maxNodesPerRequest),
            b.effectiveSecretResolver(),
            b.plugins,
            new DependentReloads(),
            new ActionDefaults(b.actionNumber, b.actionPeriod),
            java.util.Optional.ofNullable(b.metricsSource),
            meters);
    io.clusterlifecycle.core.internal.exec.EventRecorder recorder =
        new io.clusterlifecycle.core.internal.exec.EventRecorder(ctx, b.eventCloseWait);
    events.add(recorder);
    this.feed =
        new io.clusterlifecycle.core.internal.engine.EventFeed(ctx, recorder, b.eventPollInterval);
    owned.add(0, recorder);
    owned.add(0, feed::close);
    this.leases = new Leases(b.clock, b.leaseDuration, b.host != null ? b.host : hostName());
    owned.add(0, leases);
    Claims claims = new Claims(ctx);
    OperationRegistry registry = OperationRegistry.standard();
    this.store = new StoreCalls(ctx);
    Execution execution = new Execution(ctx, store, leases, claims, registry);
    this.submissions = new Submissions(ctx, store, leases, claims, execution, registry);
    ctx.dependents().bind(submissions::submit);
    this.recovery = new Recovery(ctx, store, leases, claims, execution);
    this.giveUp = new GiveUp(ctx, store, leases, claims, execution);
    this.drift = new io.clusterlifecycle.core.internal.engine.DriftCheck(ctx, store);
    if (b.reconcileEvery != null) {
      ScheduledFuture<?> rounds = drift.every(b.reconcileEvery, () -> closed);
      owned.add(0, () -> rounds.cancel(false));
    }
    this.health = new HealthCheck(ctx, store, execution);
    TakeOver takeOver =
        new TakeOver(ctx, leases, claims, recovery::recoverById, defaultTimeout, () -> closed);
    this.resumedOnStart = b.resumeOnStart ? resumeOnStart(takeOver) : Map.of();
    if (b.takeOverEvery != null) {
      ScheduledFuture<?> scan = takeOver.scanEvery(b.takeOverEvery);
      owned.add(0, () -> scan.cancel(false));
    }
    if (b.healthEvery != null) {
      ScheduledFuture<?> rounds = health.every(b.healthEvery, () -> closed);
      owned.add(0, () -> rounds.cancel(false));
    }
    this.autoscaler =
        new Autoscaler(
            ctx,
            store,
            execution,
            Policies.metrics(ctx),
            r -> submissions.submit(r, defaultTimeout));
    if (b.autoscaleEvery != null) {
      ScheduledFuture<?> rounds = autoscaler.every(b.autoscaleEvery, () -> closed);
      owned.add(0, () -> rounds.cancel(false));
    }
  }

  /**
   * Starts a builder. The four SPIs must be set before {@link LifecycleEngineBuilder#build()};
   * every other setting has the default its setter documents.
   *
   * @return a new builder with no SPIs set
   */
  public static LifecycleEngineBuilder builder() {
    return new LifecycleEngineBuilder();
  }

  /**
   * Returns the recoveries this engine started when it was built with {@link
   * LifecycleEngineBuilder#resumeInterruptedOnStart(boolean)}. Each future completes with the
   * cluster's record once its recovery finished, or exceptionally as {@link #recoverAsync} does
   * when the recovery failed.
   *
   * @return an unmodifiable map from cluster id to the future of its recovery; empty when the
   *     option was off or nothing was interrupted
   */
  public Map<String, CompletableFuture<Cluster>> resumedOnStart() {
    return resumedOnStart;
  }

  /**
   * Reads how this engine keeps the leases of the operations it runs, without touching the store: a
   * lease falls behind when two renewals in a row did not get through, and lapses unless one does.
   * A health check reads this.
   *
   * @return the leases renewed now, and those behind
   */
  public io.clusterlifecycle.api.model.LeaseRenewals leaseRenewals() {
    return leases.renewals();
  }

  /**
   * Adds a listener that receives every event this engine emits from now on, in order, one at a
   * time, on the thread that emits it. A listener that throws is logged and skipped; it never fails
   * an operation. A listener added twice receives each event twice. May be called while operations
   * run.
   *
   * @param listener the listener to add
   * @throws NullPointerException if {@code listener} is null
   */
  public void addListener(EventListener listener) {
    events.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes one registration of a listener added earlier, with {@link #addListener} or {@link
   * LifecycleEngineBuilder#eventListener}; it receives no event emitted after this returns. Does
   * nothing when the listener is not registered. May be called while operations run.
   *
   * @param listener the listener to remove
   */
  public void removeListener(EventListener listener) {
    events.remove(listener);
  }

  @Override
  public List<Cluster> list(ClusterQuery query) {
    return await(() -> store.call(() -> ctx.store().list())).stream()
        .filter(query::matches)
        .sorted(Comparator.comparing(Cluster::createdAt))
        .toList();
  }

  @Override
  public Cluster get(String cluster) {
    Objects.requireNonNull(cluster, "cluster");
    return await(() -> store.resolve(cluster));
  }

  @Override
  public Optional<Operation> operation(String operationId) {
    return await(() -> store.call(() -> ctx.store().getOperation(operationId)));
  }

  @Override
  public io.clusterlifecycle.api.model.Drift reconcile(String cluster) {
    Objects.requireNonNull(cluster, "cluster");
    return await(() -> drift.check(cluster));
  }

  @Override
  public List<io.clusterlifecycle.api.event.LifecycleEvent> events(
      io.clusterlifecycle.api.event.EventQuery query) {
    Objects.requireNonNull(query, "query");
    return await(() -> store.call(() -> ctx.store().events(query)));
  }

  @Override
  public java.util.concurrent.Flow.Publisher<io.clusterlifecycle.api.event.LifecycleEvent>
      subscribe(io.clusterlifecycle.api.event.EventQuery query) {
    return feed.publisher(query);
  }

  @Override
  public List<io.clusterlifecycle.api.spi.JournalEntry> journal(String operationId) {
    Objects.requireNonNull(operationId, "operationId");
    return await(() -> store.call(() -> ctx.store().journal(operationId)));
  }

  @Override
  public List<Operation> operations(String cluster) {
    Objects.requireNonNull(cluster, "cluster");
    return await(
        () ->
            store
                .resolve(cluster)
                .thenCompose(c -> store.call(() -> ctx.store().operations(c.id()))));
  }

  @Override
  public Plan plan(OperationRequest request) {
    Objects.requireNonNull(request, "request");
    return await(() -> submissions.plan(request));
  }

  @Override
  public CompletableFuture<Operation> submit(OperationRequest request) {
    return unwrapped(
        Futures.call(
            () -> {
              Objects.requireNonNull(request, "request");
              if (closed) {
                throw new IllegalStateException("the engine is closed");
              }
              return submissions.submit(request, request.timeout().orElse(defaultTimeout));
            }));
  }

  @Override
  public CompletableFuture<Cluster> recoverAsync(String cluster, Duration timeout) {
    return unwrapped(Futures.call(() -> recovery.recover(cluster, timeout, c -> true)));
  }

  @Override
  public CompletableFuture<Cluster> checkHealthAsync(String cluster) {
    return unwrapped(Futures.call(() -> health.check(cluster)));
  }

  @Override
  public CompletableFuture<Operation> cancelAsync(String cluster) {
    return unwrapped(Futures.call(() -> giveUp.cancel(cluster, defaultTimeout)));
  }

  @Override
  public CompletableFuture<Cluster> skipFailedAsync(String cluster, Duration timeout) {
    return unwrapped(Futures.call(() -> giveUp.skipFailed(cluster, timeout)));
  }

  @Override
  public int purgeDone() {
    return await(
        () ->
            store
                .call(() -> ctx.store().list())
                .thenCompose(
                    all -> {
                      List<CompletableFuture<Void>> deletes =
                          all.stream()
                              .filter(c -> c.state() == ClusterState.DONE)
                              .map(c -> store.call(() -> ctx.store().delete(c.id())))
                              .toList();
                      return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
                          .thenApply(v -> deletes.size());
                    }));
  }

  @Override
  public Optional<Backup> backup(String backupId) {
    Objects.requireNonNull(backupId, "backupId");
    return await(() -> store.call(() -> ctx.store().getBackup(backupId)));
  }

  @Override
  public List<Backup> backups(String cluster) {
    Objects.requireNonNull(cluster, "cluster");
    return await(
        () ->
            store.resolve(cluster).thenCompose(c -> store.call(() -> ctx.store().backups(c.id()))));
  }

  /**
   * Stops accepting operations ({@link #submit} then returns a future failed with {@link
   * IllegalStateException}), stops renewing leases and the scan of {@link
   * LifecycleEngineBuilder#takeOverInterrupted(Duration)}, and shuts down the scheduler and
   * executor threads the engine created itself. The SPIs, and a scheduler or executor given to the
   * builder, belong to the caller: close them after the engine.
   *
   * @throws LifecycleException if one of the engine's own resources cannot be closed
   */
  @Override
  public void close() {
    closed = true;
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        throw new LifecycleException("could not close the engine: " + e, e);
      }
    }
  }

  /**
   * Starts the recoveries of the operations the store says are under way. When the store cannot be
   * read the build fails, and the threads and tasks the engine has started so far are stopped here:
   * the caller gets no engine to close.
   */
  private Map<String, CompletableFuture<Cluster>> resumeOnStart(TakeOver takeOver) {
    try {
      return takeOver.resume(await(() -> store.call(() -> ctx.store().busy())));
    } catch (RuntimeException | Error e) {
      try {
        close();
      } catch (LifecycleException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Waits, on the caller's thread, for an asynchronous call; rethrows what it failed with as the
   * blocking methods document it.
   */
  private static <T> T await(Supplier<CompletableFuture<T>> call) {
    try {
      return Futures.call(call).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LifecycleException("interrupted while waiting for the store", e);
    } catch (ExecutionException e) {
      Throwable cause = Failures.cause(e);
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new LifecycleException(String.valueOf(cause), cause);
    }
  }

  /** The future's outcome, with its failure as thrown, not wrapped in a CompletionException. */
  private static <T> CompletableFuture<T> unwrapped(CompletableFuture<T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (r, e) -> {
          if (e != null) {
            out.completeExceptionally(Failures.cause(e));
          } else {
            out.complete(r);
          }
        });
    return out;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
