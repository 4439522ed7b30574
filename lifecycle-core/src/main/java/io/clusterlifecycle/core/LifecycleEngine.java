package io.clusterlifecycle.core;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.request.AddRole;
import io.clusterlifecycle.api.request.ClusterRequest;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.Promote;
import io.clusterlifecycle.api.request.RemoveRole;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.api.request.Rollback;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.model.ClusterQuery;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.VolumeSpec;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.AsyncLimiter;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.EventBus;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.MetadataTree;
import io.clusterlifecycle.core.internal.exec.OperationRunner;
import io.clusterlifecycle.core.internal.exec.RecordKeeper;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.stream.Collectors;

/**
 * The engine: validates requests, plans them, runs them through the SPIs and records every change
 * (SPEC sections 6–8). Build one with {@link #builder()}.
 *
 * <p>At most one operation runs per cluster: a second request waits for the first up to its own
 * timeout and then fails with {@link ConflictException}. Operations on different clusters run
 * concurrently, all bounded by one limit on the steps in flight. No thread is held per node or
 * per command. Thread-safe.
 */
public final class LifecycleEngine implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleEngine.class);

  /** Steps in flight across the engine when none is configured. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;
  /** Operation timeout when neither the request nor the builder gives one. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
  /** Root of every cluster's metadata tree when none is configured. */
  public static final String DEFAULT_METADATA_ROOT = "/clusters";
  /** How long an engine's ownership of a running operation lasts without renewal. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  /** How often a request waiting for another engine's operation looks at the record again. */
  static final Duration RECORD_POLL = Duration.ofMillis(200);

  private final ResourceProvider resources;
  private final CommandExecutor commands;
  private final MetadataStore metadata;
  private final ClusterStore store;
  private final EventBus events;
  private final Clock clock;
  private final Duration defaultTimeout;
  private final EngineContext ctx;
  private final List<AutoCloseable> owned;
  private final Map<String, CompletableFuture<Void>> busy = new ConcurrentHashMap<>();
  private final Set<String> creating = ConcurrentHashMap.newKeySet();
  private final Duration leaseDuration;
  private final Map<String, CompletableFuture<Cluster>> resumedOnStart;
  private final String host;
  private final long pid = ProcessHandle.current().pid();
  private final String owner;
  private final Set<String> takingOver = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private LifecycleEngine(Builder b) {
    this.resources = b.resources;
    this.commands = b.commands;
    this.metadata = b.metadata;
    this.store = b.store;
    this.clock = b.clock;
    this.defaultTimeout = b.defaultTimeout;
    this.host = b.host != null ? b.host : hostName();
    this.owner = host + "/" + pid + "/" + hex(6);
    this.owned = new ArrayList<>();
    ScheduledExecutorService scheduler = b.scheduler;
    if (scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(daemon("lifecycle-scheduler"));
      owned.add(scheduler::shutdownNow);
    }
    Executor executor = b.executor;
    if (executor == null) {
      ExecutorService pool = Executors.newFixedThreadPool(2, daemon("lifecycle-engine"));
      owned.add(pool::shutdownNow);
      executor = pool;
    }
    this.events = new EventBus(clock, b.listeners);
    this.ctx = new EngineContext(resources, commands, metadata, store, events,
        new AsyncLimiter(b.maxInFlight, executor), scheduler, executor, clock,
        new MetadataTree(b.metadataRoot), b.commandGrace, Retry.of("lifecycle", b.retry));
    this.leaseDuration = b.leaseDuration;
    this.resumedOnStart = b.resumeOnStart ? resumeInterrupted() : Map.of();
    if (b.takeOverEvery != null) {
      long every = b.takeOverEvery.toMillis();
      java.util.concurrent.ScheduledFuture<?> scan = scheduler.scheduleWithFixedDelay(
          this::takeOverInterrupted, every, every, TimeUnit.MILLISECONDS);
      owned.add(0, () -> scan.cancel(false));
    }
  }

  /** Recovers, in the background, every cluster whose operation's owner is gone. */
  private Map<String, CompletableFuture<Cluster>> resumeInterrupted() {
    Map<String, CompletableFuture<Cluster>> started = new LinkedHashMap<>();
    for (Cluster c : joinRetry(store::list)) {
      if (isInterrupted(c)) {
        // each on the engine's executor: the builder returns at once, and recoveries overlap
        started.put(c.id(), CompletableFuture.supplyAsync(
            () -> recoverAsync(c.id(), defaultTimeout), ctx.executor()).thenCompose(f -> f));
      }
    }
    return Map.copyOf(started);
  }

  /** An operation is recorded on the cluster, and the lease of the engine running it lapsed. */
  private boolean isInterrupted(Cluster c) {
    return !c.operation().orElse("").isEmpty()
        && c.lease().map(l -> l.isLapsed(clock.instant(), host)).orElse(true);
  }

  /** One scan of {@link Builder#takeOverInterrupted(Duration)}; never throws. */
  private void takeOverInterrupted() {
    if (closed) {
      return;
    }
    // on the engine's executor: recovering blocks on store reads, and the store's own threads
    // must stay free to answer them
    CompletableFuture<List<Cluster>> listed;
    try {
      listed = store.list().toCompletableFuture();
    } catch (RuntimeException e) {
      listed = CompletableFuture.failedFuture(e);
    }
    listed.whenCompleteAsync((clusters, e) -> {
      if (e != null) {
        LOG.warn("could not look for interrupted operations to take over: {}",
            Failures.describe(e));
        return;
      }
      for (Cluster c : clusters) {
        if (closed || !isInterrupted(c) || busy.containsKey(c.id()) || !takingOver.add(c.id())) {
          continue;
        }
        LOG.info("taking over operation {} on cluster {} from engine {}", c.operation().orElse(""),
            c.name(), c.lease().map(Lease::owner).orElse("(none)"));
        // another replica may have finished or failed it meanwhile: only while it is still the
        // same interrupted operation
        recoverAsync(c.id(), defaultTimeout,
            fresh -> isInterrupted(fresh) && fresh.operation().orElse("").equals(c.operation().orElse("")))
            .whenComplete((r, f) -> {
              takingOver.remove(c.id());
              if (f != null) {
                LOG.warn("taking over operation {} on cluster {} failed: {}", c.operation().orElse(""),
                    c.name(), Failures.describe(f));
              }
            });
      }
    }, ctx.executor());
  }

  /**
   * Returns the recoveries this engine started when it was built with
   * {@link Builder#resumeInterruptedOnStart(boolean)}. Each future completes with the cluster's
   * record once its recovery finished, or exceptionally as {@link #recoverAsync} does when the
   * recovery failed.
   *
   * @return an unmodifiable map from cluster id to the future of its recovery; empty when the
   *     option was off or nothing was interrupted
   */
  public Map<String, CompletableFuture<Cluster>> resumedOnStart() {
    return resumedOnStart;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts a builder. The four SPIs must be set before {@link Builder#build()}; every other
   * setting has the default its setter documents.
   *
   * @return a new builder with no SPIs set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds a listener that receives every event this engine emits from now on, in order, one at a
   * time, on the thread that emits it. A listener that throws is logged and skipped; it never
   * fails an operation. A listener added twice receives each event twice. May be called while
   * operations run.
   *
   * @param listener the listener to add
   * @throws NullPointerException if {@code listener} is null
   */
  public void addListener(EventListener listener) {
    events.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes one registration of a listener added earlier, with {@link #addListener} or
   * {@link Builder#eventListener}; it receives no event emitted after this returns. Does nothing
   * when the listener is not registered. May be called while operations run.
   *
   * @param listener the listener to remove
   */
  public void removeListener(EventListener listener) {
    events.remove(listener);
  }

  // ---------------------------------------------------------------- queries

  @Override
  public List<Cluster> list(ClusterQuery query) {
    return joinRetry(() -> store.list()).stream().filter(query::matches)
        .sorted(Comparator.comparing(Cluster::createdAt)).toList();
  }

  @Override
  public Cluster get(String cluster) {
    return resolve(cluster);
  }

  @Override
  public Optional<Operation> operation(String operationId) {
    return joinRetry(() -> store.getOperation(operationId));
  }

  @Override
  public List<Operation> operations(String cluster) {
    return joinRetry(() -> store.operations(resolve(cluster).id()));
  }

  private Cluster resolve(String ref) {
    Objects.requireNonNull(ref, "cluster");
    Optional<Cluster> byId = joinRetry(() -> store.get(ref));
    if (byId.isPresent()) {
      return byId.get();
    }
    List<Cluster> named = joinRetry(() -> store.list()).stream()
        .filter(c -> c.name().equals(ref)).toList();
    List<Cluster> live = named.stream().filter(c -> c.state() != ClusterState.DONE).toList();
    if (live.size() > 1) {
      throw new ValidationException("cluster reference", List.of(ValidationProblem.of("cluster",
          "name '" + ref + "' is used in several namespaces ("
              + live.stream().map(c -> c.namespace() + ": " + c.id())
                  .collect(Collectors.joining(", ")) + "); give the cluster id")));
    }
    if (live.size() == 1) {
      return live.get(0);
    }
    return named.stream().max(Comparator.comparing(Cluster::createdAt)).orElseThrow(() ->
        new NotFoundException("no cluster with id or name '" + ref + "'"));
  }

  /**
   * Stores a cluster record, retrying transient failures; a retry that conflicts only with its
   * own first attempt (which landed, its reply lost) counts as stored.
   */
  private Cluster putRecord(Cluster c) {
    return join(ctx.retrying(() -> store.put(c))
        .exceptionallyCompose(e -> RecordKeeper.landedAnyway(ctx, c, e)));
  }

  private <T> T joinRetry(java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> call) {
    return join(ctx.retrying(call));
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof LifecycleException le) {
        throw le;
      }
      throw new LifecycleException("store failed: " + e.getCause(), e.getCause());
    }
  }

  // ---------------------------------------------------------------- planning

  /** A request turned into the record it will run on and the plan it will run. */
  private record Prepared(Cluster cluster, Plan plan, OperationType type, Set<String> added,
      Set<String> leaving) {}

  @Override
  public Plan plan(OperationRequest request) {
    Objects.requireNonNull(request, "request");
    if (request instanceof CreateCluster r) {
      return prepareCreate(r, "(new)").plan();
    } else if (request instanceof RestoreCluster r) {
      return prepareRestore(r, "(new)").plan();
    }
    Cluster c = resolve(((ClusterRequest) request).cluster());
    return prepare(request, c).plan();
  }


  private Prepared prepareCreate(CreateCluster r, String id) {
    Requests.create(r);
    Instant now = now();
    Map<String, String> env = new LinkedHashMap<>(r.spec().env());
    env.putAll(r.env());
    Cluster.Builder b = Cluster.builder(id, r.name(), r.spec(), now).namespace(r.namespace())
        .labels(r.labels()).env(env);
    for (RoleSpec role : r.spec().roles()) {
      int count = r.counts().getOrDefault(role.name(), role.count());
      for (int i = 1; i <= count; i++) {
        b.putNode(newNode(r.name(), r.spec(), role, i));
      }
    }
    Cluster c = b.build();
    return new Prepared(c, Planner.create(c), OperationType.CREATE,
        c.nodes().stream().map(Node::id).collect(Collectors.toSet()), Set.of());
  }

  private Prepared prepareRestore(RestoreCluster r, String id) {
    Backup backup = joinRetry(() -> store.getBackup(r.backupId())).orElseThrow(() ->
        new NotFoundException("no backup with id '" + r.backupId() + "'"));
    Requests.restore(r, backup);
    Cluster.Builder b = Cluster.builder(id, r.name(), backup.spec(), now())
        .namespace(r.namespace()).labels(r.labels()).env(backup.env());
    for (RoleSpec role : backup.spec().roles()) {
      for (int i = 1; i <= backup.roleCounts().getOrDefault(role.name(), 0); i++) {
        b.putNode(newNode(r.name(), backup.spec(), role, i));
      }
    }
    Cluster c = b.build();
    return new Prepared(c, Planner.restore(c, backup), OperationType.RESTORE,
        c.nodes().stream().map(Node::id).collect(Collectors.toSet()), Set.of());
  }

  private static Node newNode(String clusterName, AppSpec spec, RoleSpec role, int index) {
    return new Node(clusterName + "-" + role.name() + "-" + index, role.name(), index,
        NodeState.PENDING, Optional.empty(), Optional.empty(), role.cpu(), role.memory(),
        role.volume().map(VolumeSpec::size).orElse(0), role.image(), Optional.of(spec.version()));
  }

  /** Adds {@code count} new nodes of a role, numbered after its highest index ever used. */
  private static Set<String> addNodes(Cluster.Builder b, Cluster c, RoleSpec role, int count) {
    int last = c.lastIndex().getOrDefault(role.name(), 0);
    Set<String> added = new java.util.LinkedHashSet<>();
    for (int i = 1; i <= count; i++) {
      Node n = newNode(c.name(), c.spec(), role, last + i);
      b.putNode(n);
      added.add(n.id());
    }
    return added;
  }

  /** Validates a request on an existing cluster against its record now. */
  private Prepared prepare(OperationRequest request, Cluster c) {
    if (!c.state().isBusy() && c.operation().orElse("").isEmpty()
        && !(request instanceof DeleteCluster d && !d.force() && c.state().isFailed())) {
      // an idle cluster in a state the operation cannot start from is refused at once, naming
      // the state; a busy one is waited for and checked again when it is idle
      request.type().begin(c.state());
    }
    if (request instanceof AddNodes r) {
      RoleSpec role = Requests.addNodes(r, c);
      c.spec().requireValid();
      Cluster.Builder b = c.toBuilder();
      Set<String> added = addNodes(b, c, role, r.count());
      Cluster next = b.build();
      return new Prepared(next, Planner.addNodes(next, added), r.type(), added, Set.of());
    } else if (request instanceof DeleteNodes r) {
      Set<String> leaving = Requests.deleteNodes(r, c).stream().map(Node::id)
          .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
      return new Prepared(c, Planner.deleteNodes(c, leaving, r.force()), r.type(), Set.of(),
          leaving);
    } else if (request instanceof DeleteCluster r) {
      if (c.state().isFailed() && !r.force()) {
        throw new IllegalStateTransitionException(c.state(), ClusterState.UNDEPLOYING,
            "cluster " + c.name() + " is " + c.state() + "; recover it, or delete it with force");
      }
      Requests.deleteCluster(r);
      return new Prepared(c, Planner.delete(c, r.force(), r.keepVolumes()), r.type(), Set.of(),
          c.nodes().stream().map(Node::id).collect(Collectors.toSet()));
    }
    return prepareUpdate(request, c);
  }

  /**
   * The roles of {@code target} with the cpu, memory and volume size they have in
   * {@code current}: versions move between specs, sizes change only by vertical scaling.
   */
  private static AppSpec withSizesOf(AppSpec target, AppSpec current) {
    AppSpec.Builder b = target.toBuilder();
    for (RoleSpec role : target.roles()) {
      current.role(role.name()).ifPresent(now -> b.replaceRole(resized(role, now.cpu(),
          now.memory(), now.volume().map(VolumeSpec::size).orElse(0))));
    }
    return b.build();
  }

  /**
   * A role with other sizes; a positive {@code volumeSize} applies only to a role that has a
   * volume.
   */
  private static RoleSpec resized(RoleSpec role, int cpu, int memory, int volumeSize) {
    RoleSpec.Builder rb = role.toBuilder().cpu(cpu).memory(memory);
    role.volume().filter(v -> volumeSize > 0).ifPresent(v -> rb.volume(volumeSize,
        v.mountPoint()));
    return rb.build();
  }

  /** After a failure, rollback undoes only a failed upgrade or rollback; recover the others. */
  private void requireRollbackable(Cluster c) {
    if (c.state() != ClusterState.FAILED_UPDATING) {
      return;
    }
    List<Operation> ops = joinRetry(() -> store.operations(c.id()));
    Optional<Operation> failed = ops.stream().filter(o -> o.state() == OperationState.FAILED
        && !o.refused()).reduce((a, b) -> b);
    if (failed.isPresent() && failed.get().type() != OperationType.UPGRADE
        && failed.get().type() != OperationType.ROLLBACK) {
      throw new IllegalStateTransitionException(c.state(), ClusterState.UPDATING, "cluster "
          + c.name() + " is FAILED_UPDATING after a failed " + failed.get().type().displayName()
          + ", which rollback does not undo; recover it");
    }
  }

  /** Restart is refused at once, not queued, while the cluster or one of its nodes is busy. */
  private void requireIdle(Cluster c, String what) {
    Optional<Node> busyNode = c.nodes().stream().filter(n -> n.state() == NodeState.DEPLOYING
        || n.state() == NodeState.DELETING || n.state() == NodeState.PENDING).findFirst();
    if (c.state().isBusy() || !c.operation().orElse("").isEmpty() || busy.containsKey(c.id())) {
      throw new ConflictException(what + " of cluster " + c.name() + " is refused: it is busy ("
          + c.state() + (c.operation().orElse("").isEmpty() ? "" : ", operation " + c.operation().orElse(""))
          + "); try again when it is idle", c.operation().orElse(""));
    }
    if (busyNode.isPresent()) {
      throw new ConflictException(what + " of cluster " + c.name() + " is refused: node "
          + busyNode.get().id() + " is " + busyNode.get().state(), "");
    }
  }

  /** The operations of SPEC 7.5–7.11 on an existing cluster. */
  private Prepared prepareUpdate(OperationRequest request, Cluster c) {
    if (request instanceof ScaleVertical r) {
      List<Planner.Resize> resizes = Requests.scaleVertical(r, c);
      AppSpec.Builder spec = c.spec().toBuilder();
      for (Planner.Resize z : resizes) {
        spec.replaceRole(resized(c.spec().role(z.role()).orElseThrow(), z.cpu(), z.memory(),
            z.volumeSize()));
      }
      Cluster next = c.toBuilder().spec(spec.build()).build();
      return new Prepared(next, Planner.scaleVertical(next, resizes), r.type(), Set.of(),
          Set.of());
    } else if (request instanceof Upgrade r) {
      Requests.upgrade(r, c);
      Cluster next = c.toBuilder().spec(withSizesOf(r.spec(), c.spec()))
          .previousSpec(Optional.of(c.spec())).build();
      return new Prepared(next, Planner.upgrade(next, c.state() == ClusterState.STOPPED),
          r.type(), Set.of(), Set.of());
    } else if (request instanceof Rollback r) {
      Requests.plain(r.timeout(), "rollback request for " + c.name());
      AppSpec previous = c.previousSpec().orElseThrow(() -> new IllegalStateTransitionException(
          c.state(), ClusterState.UPDATING, "cluster " + c.name() + " was never upgraded, so"
              + " there is no previous version to roll back to"));
      requireRollbackable(c);
      Cluster next = c.toBuilder().spec(withSizesOf(previous, c.spec()))
          .previousSpec(Optional.of(c.spec())).build();
      return new Prepared(next, Planner.rollback(next, c.state() == ClusterState.STOPPED),
          r.type(), Set.of(), Set.of());
    } else if (request instanceof StopCluster r) {
      Requests.plain(r.timeout(), "stop request for " + c.name());
      return new Prepared(c, Planner.stop(c), r.type(), Set.of(), Set.of());
    } else if (request instanceof StartCluster r) {
      Requests.plain(r.timeout(), "start request for " + c.name());
      return new Prepared(c, Planner.start(c), r.type(), Set.of(), Set.of());
    } else if (request instanceof RestartCluster r) {
      Requests.batches(r.batchSize(), r.batchPeriod(), r.timeout(), "restart request for "
          + c.name());
      return new Prepared(c, Planner.restart(c, r.batchSize(), r.batchPeriod()), r.type(),
          Set.of(), Set.of());
    } else if (request instanceof RunService r) {
      List<Node> nodes = Requests.runService(r, c);
      return new Prepared(c, Planner.runService(c, r.service(), nodes, r.batchSize(),
          r.batchPeriod()), r.type(), Set.of(), Set.of());
    } else if (request instanceof AddRole r) {
      Requests.addRole(r, c);
      Cluster.Builder b = c.toBuilder().spec(c.spec().toBuilder().role(r.role()).build());
      Set<String> added = addNodes(b, c, r.role(), r.count() == 0 ? r.role().count()
          : r.count());
      Cluster next = b.build();
      return new Prepared(next, Planner.addRole(next, added), r.type(), added, Set.of());
    } else if (request instanceof RemoveRole r) {
      Requests.removeRole(r, c);
      return new Prepared(c, Planner.removeRole(c, r.role(), r.force()), r.type(), Set.of(),
          c.nodes(r.role()).stream().map(Node::id).collect(Collectors.toSet()));
    } else if (request instanceof BackupCluster r) {
      Requests.backup(r, c);
      return new Prepared(c, Planner.backup(c, "bk-" + hex(12)), r.type(), Set.of(), Set.of());
    } else if (request instanceof Promote r) {
      Node node = Requests.promote(r, c);
      return new Prepared(c, Planner.promote(c, node), r.type(), Set.of(), Set.of());
    }
    throw new IllegalArgumentException("unsupported request " + request);
  }

  // ---------------------------------------------------------------- running

  @Override
  public CompletableFuture<Operation> submit(OperationRequest request) {
    try {
      Objects.requireNonNull(request, "request");
      if (closed) {
        throw new IllegalStateException("the engine is closed");
      }
      Duration timeout = request.timeout().orElse(defaultTimeout);
      Instant deadline = clock.instant().plus(timeout);
      if (request instanceof CreateCluster r) {
        Requests.create(r);
        return submitNew(r.namespace(), r.name(), id -> prepareCreate(r, id), timeout);
      } else if (request instanceof RestoreCluster r) {
        prepareRestore(r, "(new)");
        return submitNew(r.namespace(), r.name(), id -> prepareRestore(r, id), timeout);
      }
      Cluster c = resolve(((ClusterRequest) request).cluster());
      prepare(request, c);
      if (request instanceof RestartCluster) {
        requireIdle(c, "restart");
      }
      if (request instanceof Upgrade u && u.autoRollback()) {
        return submitExisting(request, c, deadline).exceptionallyCompose(e ->
            rollBackAfter(Failures.cause(e), c.id(), timeout));
      }
      return submitExisting(request, c, deadline);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * After an upgrade asked to roll back on failure has failed part-way, rolls back and then
   * reports the upgrade's failure (with the rollback's own failure, if any, suppressed in it).
   */
  private CompletableFuture<Operation> rollBackAfter(Throwable failure, String clusterId,
      Duration timeout) {
    if (!(failure instanceof OperationFailedException f) || f.operation().refused()) {
      return CompletableFuture.failedFuture(failure);
    }
    return submit(Rollback.of(clusterId).withTimeout(timeout)).handle((rb, e) -> {
      if (e != null) {
        failure.addSuppressed(Failures.cause(e));
      }
      throw new CompletionException(failure);
    });
  }

  private CompletableFuture<Operation> submitExisting(OperationRequest request, Cluster c,
      Instant deadline) {
    try {
      return claim(c.id(), deadline).thenCompose(mine -> async(() -> startWhenIdle(request,
          c.id(), deadline, mine)).whenComplete((op, e) -> {
            if (e != null) {
              release(c.id(), mine);
            }
          }));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Creates a new cluster's record (create or restore) and starts its operation. */
  private CompletableFuture<Operation> submitNew(String namespace, String name,
      java.util.function.Function<String, Prepared> prepare, Duration timeout) {
    String key = namespace + "/" + name;
    if (!creating.add(key)) {
      throw new ConflictException("cluster " + name + " is being created in namespace "
          + namespace, "");
    }
    try {
      joinRetry(() -> store.list()).stream()
          .filter(c -> c.namespace().equals(namespace) && c.name().equals(name)
              && c.state() != ClusterState.DONE)
          .findFirst().ifPresent(c -> {
            throw new ConflictException("a cluster named " + name + " already exists in"
                + " namespace " + namespace + " (" + c.id() + ", " + c.state() + ")",
                c.operation().orElse(""));
          });
      String id = name + "-" + hex(6);
      Prepared p = prepare.apply(id);
      Cluster stored = putRecord(p.cluster());
      CompletableFuture<Void> mine = new CompletableFuture<>();
      busy.put(id, mine);
      return start(new Prepared(stored, p.plan(), p.type(), p.added(), p.leaving()),
          ClusterState.PENDING, clock.instant().plus(timeout), mine);
    } finally {
      creating.remove(key);
    }
  }

  /**
   * Makes this caller the only one running an operation on the cluster, waiting for the
   * operation under way if there is one; fails with a conflict at the deadline.
   */
  private CompletableFuture<CompletableFuture<Void>> claim(String clusterId, Instant deadline) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = busy.putIfAbsent(clusterId, mine);
    if (running == null) {
      return CompletableFuture.completedFuture(mine);
    }
    long waitMs = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
    CompletableFuture<Void> timeout = new CompletableFuture<>();
    ScheduledFuture<?> timer = ctx.scheduler().schedule(() -> {
      String busyOp = joinRetry(() -> store.get(clusterId)).flatMap(Cluster::operation).orElse("");
      timeout.completeExceptionally(new ConflictException("cluster " + clusterId
          + " is busy with operation " + busyOp + ", which did not finish within this"
          + " request's timeout; try again later", busyOp));
    }, waitMs, TimeUnit.MILLISECONDS);
    return running.applyToEither(timeout, v -> v)
        .thenCompose(v -> {
          timer.cancel(false);
          return claim(clusterId, deadline);
        });
  }

  /**
   * Starts the request once the cluster is idle; when another engine sharing the store started
   * an operation in between (the compare-and-set lost), waits for that one and tries again.
   */
  private CompletableFuture<Operation> startWhenIdle(OperationRequest request, String clusterId,
      Instant deadline, CompletableFuture<Void> mine) {
    return whenRecordIdle(clusterId, deadline)
        .thenCompose(now -> start(prepare(request, now), now.state(), deadline, mine))
        .exceptionallyCompose(e -> !(Failures.cause(e) instanceof VersionConflictException)
            ? CompletableFuture.failedFuture(Failures.cause(e))
            : startWhenIdle(request, clusterId, deadline, mine));
  }

  /**
   * Completes with the cluster's record once no operation is recorded on it — one started by
   * another engine sharing the store — or fails with a conflict naming that operation at the
   * deadline.
   */
  private CompletableFuture<Cluster> whenRecordIdle(String clusterId, Instant deadline) {
    Cluster c = resolve(clusterId);
    if (c.operation().orElse("").isEmpty()) {
      return CompletableFuture.completedFuture(c);
    }
    if (c.lease().map(l -> l.owner().equals(owner) || l.isLapsed(clock.instant(), host))
        .orElse(true)) {
      return CompletableFuture.failedFuture(new ConflictException("cluster " + c.name()
          + " has an interrupted operation " + c.operation().orElse("") + " (" + c.state() + ") whose engine"
          + " is gone; run recover on the cluster to finish it", c.operation().orElse("")));
    }
    if (!clock.instant().isBefore(deadline)) {
      return CompletableFuture.failedFuture(new ConflictException("cluster " + c.name()
          + " is busy with operation " + c.operation().orElse("") + " (" + c.state() + "), which did not"
          + " finish within this request's timeout; try again later, or recover the cluster if"
          + " that operation's engine is gone", c.operation().orElse("")));
    }
    CompletableFuture<Cluster> next = new CompletableFuture<>();
    long pollMs = Math.min(RECORD_POLL.toMillis(),
        Math.max(1, Duration.between(clock.instant(), deadline).toMillis()));
    ctx.scheduler().schedule(() -> async(() -> whenRecordIdle(clusterId, deadline))
        .whenComplete((r, e) -> {
      if (e != null) {
        next.completeExceptionally(e);
      } else {
        next.complete(r);
      }
    }), pollMs, TimeUnit.MILLISECONDS);
    return next;
  }

  /** Runs a call that returns a future, turning an exception it throws into a failed future. */
  private static <T> CompletableFuture<T> async(
      java.util.function.Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void release(String clusterId, CompletableFuture<Void> mine) {
    busy.remove(clusterId, mine);
    mine.complete(null);
  }

  private CompletableFuture<Operation> start(Prepared p, ClusterState from, Instant deadline,
      CompletableFuture<Void> mine) {
    Cluster c = p.cluster();
    try {
      ClusterState active = p.type().begin(from);
      String opId = "op-" + hex(10);
      Instant now = now();
      Operation pending = new Operation(opId, c.id(), p.type(), OperationState.PENDING, from,
          p.plan(), now, Optional.empty(), Optional.empty(), false, List.of(), List.of());
      joinRetry(() -> store.putOperation(pending));
      Cluster.Builder b = c.toBuilder().state(active).operation(opId).addHistory(opId)
          .lease(Optional.of(lease())).updatedAt(now);
      for (Node n : c.nodes()) {
        if (p.added().contains(n.id())) {
          b.putNode(n.withState(n.state().moveTo(NodeState.DEPLOYING)));
        } else if (p.leaving().contains(n.id()) && n.state() != NodeState.DELETING) {
          b.putNode(n.withState(n.state().moveTo(NodeState.DELETING)));
        }
      }
      Cluster running;
      try {
        running = putRecord(b.build());
      } catch (VersionConflictException e) {
        // another engine changed the cluster first: this operation never started
        joinRetry(() -> store.putOperation(pending.ended(OperationState.CANCELLED, now(),
            "another engine changed the cluster first", false, List.of(), List.of())));
        throw e;
      } catch (RuntimeException e) {
        // B3: the cluster was not claimed: this operation never started
        joinRetry(() -> store.putOperation(pending.ended(OperationState.CANCELLED, now(),
            "could not record its start: " + e.getMessage(), false, List.of(), List.of())));
        throw e;
      }
      Operation op = new Operation(opId, c.id(), p.type(),
          pending.state().moveTo(OperationState.RUNNING), from, p.plan(), now, Optional.empty(),
          Optional.empty(), false, List.of(), List.of());
      try {
        joinRetry(() -> store.putOperation(op));
      } catch (RuntimeException e) {
        // B3b: the cluster record names the operation, so it has started; its record is
        // corrected when it ends (or by recover)
      }
      emit(LifecycleEvent.builder(EventType.OPERATION_STARTED).cluster(c.id())
          .operation(opId, p.type()).message(p.plan().stages().size() + " stages, "
              + p.plan().steps().count() + " steps"));
      emitState(running, opId, p.type(), from, active);
      return run(p, op, running, deadline, Set.of(), mine);
    } catch (VersionConflictException e) {
      throw e; // the caller keeps its claim and waits to try again
    } catch (RuntimeException e) {
      release(c.id(), mine);
      throw e;
    }
  }

  private Lease lease() {
    return new Lease(owner, host, pid, clock.instant().plus(leaseDuration)
        .truncatedTo(ChronoUnit.MILLIS));
  }

  /** Runs (or resumes) an operation whose records say it is under way, then records its end. */
  private CompletableFuture<Operation> run(Prepared p, Operation op, Cluster running,
      Instant deadline, Set<String> done, CompletableFuture<Void> mine) {
    RecordKeeper records = new RecordKeeper(ctx, running);
    long renewMs = Math.max(1, leaseDuration.toMillis() / 3);
    ScheduledFuture<?> renewal = ctx.scheduler().scheduleAtFixedRate(
        () -> records.update(b -> b.lease(Optional.of(lease()))), renewMs, renewMs,
        TimeUnit.MILLISECONDS);
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      left = Duration.ofMillis(1);
    }
    return new OperationRunner(ctx, op.plan(), op.id(), records, done).run(left)
        .thenApplyAsync(result -> {
          renewal.cancel(false);
          return finish(p, op, records, result);
        }, ctx.executor())
        .whenComplete((o, e) -> {
          renewal.cancel(false);
          release(running.id(), mine);
        });
  }

  // ---------------------------------------------------------------- recover

  @Override
  public CompletableFuture<Cluster> recoverAsync(String cluster, Duration timeout) {
    return recoverAsync(cluster, timeout, c -> true);
  }

  /** Recovers a cluster if, once this engine holds its claim, its record still passes {@code still}. */
  private CompletableFuture<Cluster> recoverAsync(String cluster, Duration timeout,
      java.util.function.Predicate<Cluster> still) {
    try {
      Cluster c = resolve(cluster);
      Instant deadline = clock.instant().plus(timeout);
      return claim(c.id(), deadline).thenCompose(mine -> {
        try {
          Cluster fresh = resolve(c.id());
          if (!still.test(fresh)) {
            release(c.id(), mine);
            return CompletableFuture.completedFuture(null);
          }
          return recover(fresh, deadline, mine);
        } catch (RuntimeException e) {
          release(c.id(), mine);
          throw e;
        }
      }).thenApply(x -> resolve(c.id()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<?> recover(Cluster c, Instant deadline, CompletableFuture<Void> mine) {
    if (c.state() == ClusterState.COOLDOWN && c.operation().orElse("").isEmpty()) {
      putRecord(c.toBuilder().state(c.state().moveTo(ClusterState.RUNNING))
          .updatedAt(now()).build());
      emitState(c, "", null, ClusterState.COOLDOWN, ClusterState.RUNNING);
      release(c.id(), mine);
      return CompletableFuture.completedFuture(null);
    }
    if (c.operation().orElse("").isEmpty()) {
      // B1: an engine died between recording an operation PENDING and claiming the cluster
      for (Operation o : joinRetry(() -> store.operations(c.id()))) {
        if (o.state() == OperationState.PENDING) {
          joinRetry(() -> store.putOperation(o.ended(OperationState.CANCELLED, now(),
              "its engine stopped before the operation started", false, List.of(), List.of())));
        }
      }
    }
    Optional<Operation> interrupted = Optional.empty();
    if (!c.operation().orElse("").isEmpty()) {
      // this engine holds the cluster's claim, so a lease of its own is stale
      if (c.lease().isPresent() && !c.lease().get().owner().equals(owner)
          && !c.lease().get().isLapsed(clock.instant(), host)) {
        throw new ConflictException("operation " + c.operation().orElse("") + " on cluster " + c.name()
            + " is running in engine " + c.lease().get().owner() + " (lease until "
            + c.lease().get().expiresAt() + "); wait for it", c.operation().orElse(""));
      }
      interrupted = joinRetry(() -> store.getOperation(c.operation().orElse("")));
      if (interrupted.isPresent() && interrupted.get().endedAt().isPresent()) {
        return completeEnded(c, interrupted.get(), deadline, mine);
      }
    } else if (c.state().isFailed()) {
      List<Operation> ops = joinRetry(() -> store.operations(c.id()));
      for (int i = ops.size() - 1; i >= 0 && interrupted.isEmpty(); i--) {
        Operation o = ops.get(i);
        if (o.state() == OperationState.FAILED && !o.refused()
            && o.type().failureState() == c.state()) {
          interrupted = Optional.of(o);
        }
      }
    }
    if (interrupted.isEmpty()) {
      release(c.id(), mine);
      if (c.state().isFailed()) {
        throw new IllegalStateTransitionException(c.state(), c.state(), "cluster " + c.name()
            + " is " + c.state() + " but no failed operation of it can be found to resume;"
            + " delete it with force");
      }
      return CompletableFuture.completedFuture(null);
    }
    Operation op = interrupted.get();
    Set<String> done = new java.util.HashSet<>();
    Map<String, JournalEntry.Status> last = new java.util.HashMap<>();
    joinRetry(() -> store.journal(op.id())).forEach(e -> last.put(e.stepId(), e.status()));
    last.forEach((step, status) -> {
      if (status == JournalEntry.Status.SUCCEEDED) {
        done.add(step);
      }
    });
    Plan plan = op.plan();
    List<Node> failedNodes = c.nodes().stream().filter(n -> n.state() == NodeState.FAILED).toList();
    Set<String> created = stepNodes(plan, CreateNodeStep.class);
    List<Node> recreate = failedNodes.stream().filter(n -> created.contains(n.id())).toList();
    if (!recreate.isEmpty()) {
      int round = (int) op.plan().stages().stream().filter(st -> st.name().startsWith("recover:"))
          .count() + 1;
      List<Step> deletes = recreate.stream().map(n -> (Step) new DeleteNodeStep(
          "r" + round + "-delete-" + n.id(), n.id(), n.role(), false)).toList();
      List<Stage> stages = new ArrayList<>();
      stages.add(new Stage("recover: delete failed nodes", Stage.FailurePolicy.FAIL, false,
          deletes));
      stages.addAll(plan.stages());
      plan = new Plan(plan.clusterId(), plan.clusterName(), plan.type(), stages);
    }
    Set<String> leaving = stepNodes(new Plan(op.plan().clusterId(), op.plan().clusterName(),
        op.plan().type(), op.plan().stages().stream()
            .filter(st -> !st.name().startsWith("recover:")).toList()), DeleteNodeStep.class);
    Prepared p = new Prepared(c, plan, op.type(), created, leaving);
    ClusterState active = op.type().activeState();
    ClusterState from = c.state();
    Cluster.Builder b = c.toBuilder().operation(op.id()).lease(Optional.of(lease()))
        .updatedAt(now());
    if (from != active) {
      b.state(from.moveTo(active));
    }
    for (Node n : recreate) {
      b.putNode(n.withState(n.state().moveTo(NodeState.DEPLOYING)).withResource("", ""));
    }
    Cluster running = putRecord(b.build());
    Operation resumed = new Operation(op.id(), op.clusterId(), op.type(),
        op.state() == OperationState.RUNNING ? op.state() : op.state().moveTo(OperationState.RUNNING),
        op.startedFrom(), plan, op.createdAt(), Optional.empty(), Optional.empty(), false, op.warnings(),
        op.keptVolumes());
    if (!resumed.equals(op)) {
      joinRetry(() -> store.putOperation(resumed));
    }
    emit(LifecycleEvent.builder(EventType.OPERATION_STARTED).cluster(c.id())
        .operation(op.id(), op.type()).message("resumed: " + done.size() + " of "
            + plan.steps().count() + " steps already done"));
    if (from != active) {
      emitState(running, op.id(), op.type(), from, active);
    }
    return run(p, resumed, running, deadline, done, mine);
  }

  /**
   * The engine died after recording an operation's end but before the cluster's: finish the
   * cluster's record as the operation ended, then recover further if it had failed.
   */
  private CompletableFuture<?> completeEnded(Cluster c, Operation op, Instant deadline,
      CompletableFuture<Void> mine) {
    Prepared p = new Prepared(c, op.plan(), op.type(), stepNodes(op.plan(), CreateNodeStep.class),
        stepNodes(op.plan(), DeleteNodeStep.class));
    OperationRunner.Result result = new OperationRunner.Result(op.error().orElse(""), op.refused(), false,
        op.warnings(), op.keptVolumes());
    try {
      finish(p, op, new RecordKeeper(ctx, c), result);
    } catch (OperationFailedException e) {
      if (!op.refused()) {
        return recover(resolve(c.id()), deadline, mine);
      }
    }
    release(c.id(), mine);
    return CompletableFuture.completedFuture(null);
  }

  private static Set<String> stepNodes(Plan plan, Class<? extends Step> kind) {
    return plan.steps().filter(kind::isInstance).map(s -> s instanceof CreateNodeStep cs
        ? cs.node() : ((DeleteNodeStep) s).node()).collect(Collectors.toSet());
  }

  @Override
  public int purgeDone() {
    int purged = 0;
    for (Cluster c : joinRetry(() -> store.list())) {
      if (c.state() == ClusterState.DONE) {
        joinRetry(() -> store.delete(c.id()));
        purged++;
      }
    }
    return purged;
  }

  private Operation finish(Prepared p, Operation op, RecordKeeper records,
      OperationRunner.Result outcome) {
    OperationRunner.Result result = outcome;
    if (result.succeeded() && op.type() == OperationType.BACKUP && op.endedAt().isEmpty()) {
      Backup backup = backupOf(records.current(), op);
      try {
        joinRetry(() -> store.putBackup(backup));
      } catch (RuntimeException e) {
        result = new OperationRunner.Result("could not record backup " + backup.id() + ": "
            + e.getMessage(), false, false, result.warnings(), result.keptVolumes());
      }
    }
    // the operation's end is recorded before the cluster's, so that a crash in between leaves
    // the cluster naming an ended operation, which recover completes, never a RUNNING orphan
    Operation done = op.endedAt().isPresent() ? op
        : op.ended(result.succeeded() ? OperationState.SUCCEEDED : OperationState.FAILED, now(),
            result.error(), result.refused(), result.warnings(), result.keptVolumes());
    if (done != op) {
      joinRetry(() -> store.putOperation(done));
    }
    // B5: let record writes still under way (a node marked FAILED, a lease renewal) land first,
    // so that the end is computed from, and written over, the latest record
    records.settled().join();
    Cluster c = records.current();
    ClusterState from = c.state();
    ClusterState to;
    if (result.succeeded()) {
      to = p.type().successState(op.startedFrom());
      if ((p.type() == OperationType.UPGRADE || p.type() == OperationType.ROLLBACK)
          && !c.nodes().isEmpty() && c.nodes().stream()
              .allMatch(n -> n.state() == NodeState.STOPPED)) {
        // the versions of a stopped cluster changed; it stays stopped (SPEC 7.7)
        to = ClusterState.STOPPED;
      }
    } else if (result.refused()) {
      to = op.startedFrom();
    } else {
      to = p.type().failureState();
    }
    Cluster.Builder b = c.toBuilder().state(from.moveTo(to)).operation("")
        .lease(Optional.empty()).updatedAt(now());
    if (result.succeeded()) {
      applyOutcome(p, op, c, b);
    }
    for (Node n : c.nodes()) {
      if (result.succeeded()) {
        if (p.leaving().contains(n.id())) {
          b.removeNode(n.id());
        } else if (p.added().contains(n.id()) && n.state() != NodeState.RUNNING) {
          b.putNode(n.withState(n.state().moveTo(NodeState.RUNNING)));
        }
      } else if (result.refused() && p.added().contains(n.id())) {
        // a refusal comes before any node was created: the new nodes never existed
        b.removeNode(n.id());
      } else if (result.refused() && p.leaving().contains(n.id())) {
        NodeState before = op.plan().type() == OperationType.DELETE
            && op.startedFrom() == ClusterState.STOPPED ? NodeState.STOPPED : NodeState.RUNNING;
        b.putNode(n.withState(n.state().moveTo(before)));
      }
    }
    Cluster ended;
    try {
      ended = records.update(x -> b).join();
    } catch (CompletionException e) {
      String why = "could not record the end of " + op.id() + ": " + e.getCause()
          + "; the operation has ended, run recover on the cluster to record it";
      if (Failures.isTransient(e)) {
        throw new TransientSpiException(why, e.getCause());
      }
      throw new LifecycleException(why, e.getCause());
    }
    emitState(ended, op.id(), op.type(), from, to);
    emit(LifecycleEvent.builder(result.succeeded() ? EventType.OPERATION_SUCCEEDED
        : EventType.OPERATION_FAILED).cluster(c.id()).operation(op.id(), op.type())
        .message(result.succeeded() ? "done" : result.error()));
    if (result.succeeded()) {
      return done;
    }
    if (result.timedOut()) {
      throw new LifecycleTimeoutException(result.error());
    }
    throw new OperationFailedException(done);
  }

  /** What a successful operation changes in the record besides its nodes. */
  private static void applyOutcome(Prepared p, Operation op, Cluster c, Cluster.Builder b) {
    if (op.type() == OperationType.REMOVE_ROLE) {
      Set<String> removed = c.nodes().stream().filter(n -> p.leaving().contains(n.id()))
          .map(Node::role).collect(Collectors.toSet());
      op.plan().steps().filter(DeleteNodeStep.class::isInstance)
          .forEach(st -> removed.add(((DeleteNodeStep) st).role()));
      b.spec(new AppSpec(c.spec().name(), c.spec().version(), c.spec().env(),
          c.spec().roles().stream().filter(r -> !removed.contains(r.name())).toList()));
    } else if (op.type() == OperationType.PROMOTE) {
      op.plan().steps().filter(st -> st instanceof ServiceStep ss
          && ss.service().equals(StandardService.PROMOTE.serviceName()))
          .map(ServiceStep.class::cast).forEach(ss -> b.primary(ss.role(), ss.node()));
    }
  }

  /** The backup a successful backup operation recorded (SPEC 7.10). */
  private Backup backupOf(Cluster c, Operation op) {
    List<Backup.Artifact> artifacts = new ArrayList<>();
    String id = "";
    for (Step st : op.plan().steps().toList()) {
      if (st instanceof ServiceStep ss && ss.env().containsKey(CommandRequest.LC_BACKUP_ID)) {
        id = ss.env().get(CommandRequest.LC_BACKUP_ID);
        int index = c.node(ss.node()).map(Node::index).orElse(0);
        artifacts.add(new Backup.Artifact(ss.node(), ss.role(), index,
            ss.env().get(CommandRequest.LC_BACKUP_ARTIFACT)));
      }
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    c.spec().roles().forEach(r -> counts.put(r.name(), c.nodes(r.name()).size()));
    artifacts.sort(Comparator.comparing(Backup.Artifact::role)
        .thenComparingInt(Backup.Artifact::index));
    return new Backup(id, c.id(), c.name(), c.namespace(), c.spec(), c.env(), counts, artifacts,
        now());
  }

  @Override
  public Optional<Backup> backup(String backupId) {
    return joinRetry(() -> store.getBackup(Objects.requireNonNull(backupId, "backupId")));
  }

  @Override
  public List<Backup> backups(String cluster) {
    String id = resolve(cluster).id();
    return joinRetry(() -> store.backups(id));
  }

  private void emitState(Cluster c, String opId, OperationType type, ClusterState from,
      ClusterState to) {
    emit(LifecycleEvent.builder(EventType.STATE_CHANGED).cluster(c.id()).operation(opId, type)
        .transition(from, to));
  }

  private void emit(LifecycleEvent.Builder e) {
    events.emit(e);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String hex(int digits) {
    StringBuilder s = new StringBuilder();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < digits; i++) {
      s.append(Character.forDigit(r.nextInt(16), 16));
    }
    return s.toString();
  }

  /**
   * Stops accepting operations ({@link #submit} then returns a future failed with
   * {@link IllegalStateException}), stops the scan of
   * {@link Builder#takeOverInterrupted(Duration)} and shuts down the scheduler and executor
   * threads the engine created itself. The SPIs, and a scheduler or executor given to the
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
   * Builds a {@link LifecycleEngine}. The four SPIs (resource provider, command executor,
   * metadata store, cluster store) are required; everything else has a default. Setters check
   * their argument at once; {@link #build()} checks that the SPIs are set. Not thread-safe.
   */
  public static final class Builder {
    private ResourceProvider resources;
    private CommandExecutor commands;
    private MetadataStore metadata;
    private ClusterStore store;
    private final List<EventListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private Executor executor;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration defaultTimeout = DEFAULT_TIMEOUT;
    private String metadataRoot = DEFAULT_METADATA_ROOT;
    private Duration commandGrace = Duration.ofSeconds(5);
    private Duration leaseDuration = DEFAULT_LEASE;
    private boolean resumeOnStart;
    private Duration takeOverEvery;
    private String host;
    private RetryConfig retry = RetryConfig.<Object>custom()
        .maxAttempts(5)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
        .retryOnException(Failures::isTransient)
        .build();

    private Builder() {}

    /**
     * Sets how transient SPI failures ({@link io.clusterlifecycle.api.spi.TransientSpiException})
     * are retried. Default: 5 attempts, exponential back-off from 200 ms, doubling.
     *
     * @param value the resilience4j retry configuration applied to every SPI call
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder retry(RetryConfig value) {
      this.retry = Objects.requireNonNull(value, "retry");
      return this;
    }

    /**
     * Makes the engine, as soon as it is built, recover every cluster whose operation was
     * interrupted (its engine's lease lapsed), in the background. Off by default. The futures of
     * those recoveries are available from {@link LifecycleEngine#resumedOnStart()}.
     *
     * @param value true to resume interrupted operations when the engine starts
     * @return this builder
     */
    public Builder resumeInterruptedOnStart(boolean value) {
      this.resumeOnStart = value;
      return this;
    }

    /**
     * Makes the engine look for interrupted operations every {@code every} and take them over:
     * every cluster with an operation whose engine's lease lapsed (the engine died or lost its
     * store) is recovered in the background, as {@link LifecycleEngine#recoverAsync} would. This
     * is how replicas of a control plane sharing one store finish each other's work. Off by
     * default.
     *
     * @param every a positive interval between scans, or null to turn scanning off
     * @return this builder
     * @throws IllegalArgumentException if {@code every} is zero or negative
     */
    public Builder takeOverInterrupted(Duration every) {
      if (every != null && (every.isNegative() || every.isZero())) {
        throw new IllegalArgumentException("takeOverInterrupted must be positive, was " + every);
      }
      this.takeOverEvery = every;
      return this;
    }

    /**
     * Sets the machine name this engine writes into its leases. An engine treats the lease of a
     * dead process on its own machine as lapsed at once; set a distinct name per engine where
     * engines share a host name but not process ids (containers), so that only lease expiry
     * counts there. Default: the local host name.
     *
     * @param value a non-empty name
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is null or blank
     */
    public Builder host(String value) {
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
     * @param value a positive duration; default {@link #DEFAULT_LEASE} (30 seconds)
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is zero or negative
     * @throws NullPointerException if {@code value} is null
     */
    public Builder leaseDuration(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("leaseDuration must be positive, was " + value);
      }
      this.leaseDuration = value;
      return this;
    }

    /**
     * Sets the resource provider that creates, resizes and deletes the nodes' machines or
     * containers. Required. The engine never closes it.
     *
     * @param value the provider
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder resourceProvider(ResourceProvider value) {
      this.resources = Objects.requireNonNull(value, "resourceProvider");
      return this;
    }

    /**
     * Sets the command executor that runs the app spec's service commands on the nodes.
     * Required. The engine never closes it.
     *
     * @param value the executor
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder commandExecutor(CommandExecutor value) {
      this.commands = Objects.requireNonNull(value, "commandExecutor");
      return this;
    }

    /**
     * Sets the metadata store the engine publishes each cluster's metadata tree to, under
     * {@link #metadataRoot(String)}. Required. The engine never closes it.
     *
     * @param value the store
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder metadataStore(MetadataStore value) {
      this.metadata = Objects.requireNonNull(value, "metadataStore");
      return this;
    }

    /**
     * Sets the cluster store that keeps the durable records: clusters, operations, their
     * journals and backups. Engines sharing one store share their clusters and can take over each
     * other's interrupted operations. Required. The engine never closes it.
     *
     * @param value the store
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder clusterStore(ClusterStore value) {
      this.store = Objects.requireNonNull(value, "clusterStore");
      return this;
    }

    /**
     * Adds a listener that receives every event of the engine from the start, including those
     * of recoveries begun by {@link #resumeInterruptedOnStart(boolean)}; listeners are called in
     * the order they were added. See {@link LifecycleEngine#addListener} for the delivery
     * contract.
     *
     * @param value the listener
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder eventListener(EventListener value) {
      listeners.add(Objects.requireNonNull(value, "eventListener"));
      return this;
    }

    /**
     * Sets the clock every timestamp, deadline and lease comes from; tests pass a fixed or
     * virtual one. Default: the system clock in UTC.
     *
     * @param value the clock
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the scheduler used for timeouts and waits; the engine does not shut down a scheduler
     * it was given. Default: one daemon thread of the engine's own.
     *
     * @param value the scheduler
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Sets the executor continuations run on; the engine does not shut down an executor it was
     * given. Default: two daemon threads of the engine's own.
     *
     * @param value the executor
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder executor(Executor value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    /**
     * Sets how many steps may be in flight across the engine.
     *
     * @param value {@code >= 1}; default {@value #DEFAULT_MAX_IN_FLIGHT}
     * @return this builder
     * @throws IllegalArgumentException if {@code value < 1}
     */
    public Builder maxInFlight(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxInFlight must be >= 1, was " + value);
      }
      this.maxInFlight = value;
      return this;
    }

    /**
     * Sets the timeout of operations whose request gives none.
     *
     * @param value a positive duration; default {@link #DEFAULT_TIMEOUT} (one hour)
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is zero or negative
     * @throws NullPointerException if {@code value} is null
     */
    public Builder defaultTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("defaultTimeout must be positive, was " + value);
      }
      this.defaultTimeout = value;
      return this;
    }

    /**
     * Sets the path under which each cluster's metadata tree is published, as
     * {@code ROOT/<cluster-id>}. Node agents reading the tree, and a metadata store that takes a
     * root of its own (such as the local one), must be given the same value.
     *
     * @param value an absolute path; default {@value #DEFAULT_METADATA_ROOT}
     * @return this builder
     * @throws IllegalArgumentException if {@code value} does not start with {@code /}
     * @throws NullPointerException if {@code value} is null
     */
    public Builder metadataRoot(String value) {
      if (!value.startsWith("/")) {
        throw new IllegalArgumentException("metadataRoot must start with '/', was " + value);
      }
      this.metadataRoot = value;
      return this;
    }

    /**
     * Sets how long past its own timeout a command may take before the engine gives up on it
     * and cancels it, so that an executor which enforces the timeout itself reports first.
     *
     * @param value a non-negative duration; default 5 seconds
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder commandGrace(Duration value) {
      this.commandGrace = Objects.requireNonNull(value, "commandGrace");
      return this;
    }

    /**
     * Builds the engine. It creates its own daemon scheduler and executor threads when none
     * was given, starts the scan of {@link #takeOverInterrupted(Duration)} when set, and, with
     * {@link #resumeInterruptedOnStart(boolean)}, reads the cluster store once and starts the
     * recoveries in the background before it returns.
     *
     * @return the engine, ready for requests; close it when done
     * @throws IllegalStateException if an SPI is missing; the message names every missing one
     * @throws LifecycleException if resuming on start was asked for and the cluster store could
     *     not be read
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
        throw new IllegalStateException("set " + String.join(", ", missing)
            + " before building the engine");
      }
      return new LifecycleEngine(this);
    }
  }
}
