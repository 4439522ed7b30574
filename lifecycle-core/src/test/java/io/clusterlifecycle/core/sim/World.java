package io.clusterlifecycle.core.sim;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.AddRole;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.Promote;
import io.clusterlifecycle.api.request.RemoveRole;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.Rollback;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.testkit.FaultKind;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.clusterlifecycle.testkit.ResourceCall;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.Simulator;
import io.clusterlifecycle.testkit.SpiMethod;
import io.clusterlifecycle.testkit.VirtualClock;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One simulated deployment for the stateful engine tests: the in-memory SPIs wrapped by a {@link
 * Simulator}, a {@link VirtualClock}, the engine now in charge (a new one after every crash), and a
 * model of what should exist, updated only from what can be observed — how each operation ended and
 * the records left in the store.
 *
 * <h2>Invariants ({@link #checkInvariants()})</h2>
 *
 * Checked against the wrapped in-memory SPIs directly (never through the simulator):
 *
 * <ol>
 *   <li><b>Records match resources.</b> For every cluster record whose state is not DONE, with R =
 *       the node ids of {@code provider.resources(clusterId)} and A = the ids of the record's nodes
 *       that have an address: every id in R is a node of the record; and A = R, each pair agreeing
 *       on address and instance id. The one exception: in a {@code FAILED_*} cluster a node whose
 *       state is DEPLOYING, FAILED or DELETING is <em>in doubt</em> — the step that creates or
 *       deletes its resource was interrupted between its effect and the record write (a crash, or a
 *       failed write), which {@code recover} repairs — and may be in exactly one of A and R. Nodes
 *       RUNNING, STOPPED or PENDING are never in doubt.
 *   <li><b>No resource leaked.</b> The provider holds no resource of a DONE cluster, and none of a
 *       cluster that has no record (every cluster id any create call named is looked at).
 *   <li><b>States move only along the transition table.</b> Every STATE_CHANGED event of every
 *       engine names two known states with {@code from.canMoveTo(to)}; within one engine, a
 *       cluster's events chain ({@code to} of one is {@code from} of the next); the last one the
 *       engine in charge emitted for a cluster names its stored state.
 *   <li><b>Every operation ends.</b> No record names an operation, and no stored operation is
 *       RUNNING or PENDING — including the one a dead engine left, which the recover after the
 *       crash must have resumed to SUCCEEDED or FAILED. (A call that does not end within {@link
 *       #BOUND} fails its action the same way.)
 *   <li><b>Node ids are never reused</b> within a cluster: each id is {@code
 *       <cluster-name>-<role>-<index>} with the index at most the record's {@code lastIndex} for
 *       the role, {@code lastIndex} never decreases, and an id that left the record never comes
 *       back.
 *   <li><b>Nodes follow their cluster.</b> In a RUNNING cluster with no operation every node is
 *       RUNNING and its resource runs; in a STOPPED one every node is STOPPED and its resource
 *       still exists, stopped, with its address and volume.
 *   <li><b>Sizes and images match.</b> In a cluster neither DONE nor FAILED_* with no operation
 *       (where no node is in doubt), each node's recorded cpu, memory, volume size and image are
 *       the provider's.
 *   <li><b>One version.</b> In such a cluster every node runs the version of the cluster's spec.
 *   <li><b>Nodes have their role's size</b> in such a cluster: the cpu, memory and volume size of
 *       the node's role in the spec.
 *   <li><b>No vertical scaling outside an operation:</b> the metadata tree holds no {@code
 *       /vertical-scaling-roles} key of a cluster that has no operation under way (it is removed by
 *       a finally stage, also when the scaling fails), except in a FAILED_ cluster an operation of
 *       which was cancelled: a cancel runs no finally stage (§7.8), recover does.
 *   <li><b>No step ever runs twice at once.</b> For each run key ({@code <operation-id>/<step-id>},
 *       §5.8), no two runs the shared {@link ScriptedCommandExecutor} received — the runs of dead
 *       engines included, which go on after the crash — have intersecting {@code [startSeq,
 *       endSeq)} intervals, a run still going being open. Commands are made to take time or hang
 *       (by {@link #slowCommands}, {@link #cancelDuring} and {@link #crashDuring(Op, int, int,
 *       boolean)}) so that a crash or cancel leaves runs going.
 *   <li><b>No duplicate nodes:</b> the provider holds at most one resource per node id.
 *   <li><b>Records round-trip:</b> every cluster record the engine hands the store (by {@code put}
 *       or in a batch) reads back equal through the record codec ({@link CodecRoundTrips}).
 * </ol>
 *
 * Skip-failed (§7.8) is checked against the provider: afterwards the record holds exactly the nodes
 * the provider has, each RUNNING or STOPPED as its resource, and the cluster is DONE, STOPPED or
 * RUNNING as the design says. Cancel is modelled as a failure of the operation it ends (recover
 * resumes it). Where the engine breaks these rules today (engine bugs found by this test, see
 * {@link #tolerateUnjournaledRuns}, {@link #tolerateSkipFailedSizes}, {@link
 * #tolerateStaleScalingKeys} and the generators of {@link EngineStatefulTest}), the exception is
 * named and switchable.
 *
 * <p>Each operation's outcome is also checked against the model (for example a create that
 * succeeded is RUNNING with exactly the nodes asked for, a refused one changed nothing, a stop that
 * succeeded is STOPPED, an upgrade or rollback that succeeded leaves its spec and every node on the
 * version it moved to, a vertical scaling that succeeded leaves every node of its roles at the new
 * size). A failed operation must leave a FAILED_* state, and the recover that later succeeds must
 * reach where that operation was heading.
 *
 * <p>Not thread-safe: one test thread drives it. {@link #close()} stops every engine; threads of
 * dead engines blocked on calls that never complete are daemons and stay blocked.
 */
final class World implements AutoCloseable {
  /** Lease of every engine; the clock moves past it before another engine takes over. */
  static final Duration LEASE = Duration.ofSeconds(5);

  /** How long any engine call may take before it counts as an operation that never ends. */
  static final Duration BOUND = Duration.ofSeconds(20);

  /** How long {@link #cancelDuring} waits for one cancel before it asks again. */
  static final Duration CANCEL_PATIENCE = Duration.ofSeconds(1);

  /** Retries of transient SPI failures: quick, so that faults cost little time. */
  static final RetryConfig FAST_RETRY =
      RetryConfig.custom()
          .maxAttempts(6)
          .waitDuration(Duration.ofMillis(5))
          .retryOnException(World::isTransient)
          .build();

  /** Node states whose resource may disagree with the record in a FAILED_* cluster. */
  static final Set<NodeState> IN_DOUBT =
      EnumSet.of(NodeState.DEPLOYING, NodeState.FAILED, NodeState.DELETING);

  private static final AtomicInteger WORLDS = new AtomicInteger();

  // ---------------------------------------------------------------- requests

  /** An operation the test asks an engine for; clusters are named, not identified. */
  sealed interface Op {
    String describe();
  }

  /** Create a cluster. */
  record Create(String name, AppSpec spec) implements Op {
    @Override
    public String describe() {
      return "create " + name + " " + Specs.describe(spec);
    }
  }

  /** Add nodes to a role. */
  record Add(String cluster, String role, int count) implements Op {
    @Override
    public String describe() {
      return "add " + count + " " + role + " to " + cluster;
    }
  }

  /** Delete nodes. */
  record RemoveNodes(String cluster, List<String> nodes, boolean force) implements Op {
    @Override
    public String describe() {
      return "delete nodes " + nodes + " of " + cluster + (force ? " (forced)" : "");
    }
  }

  /** Delete a cluster. */
  record Delete(String cluster, boolean force, boolean keepVolumes) implements Op {
    @Override
    public String describe() {
      return "delete "
          + cluster
          + (force ? " (forced)" : "")
          + (keepVolumes ? " keeping volumes" : "");
    }
  }

  /** Recover a cluster. */
  record Recover(String cluster) implements Op {
    @Override
    public String describe() {
      return "recover " + cluster;
    }
  }

  /** Vertical scaling of one or more roles (docs/design.md §6.5). */
  record Resize(String cluster, List<RoleResize> roles) implements Op {
    @Override
    public String describe() {
      return "scale vertical "
          + cluster
          + " "
          + roles.stream()
              .map(
                  r ->
                      r.role()
                          + (r.cpu().isPresent() ? " cpu=" + r.cpu().getAsInt() : "")
                          + (r.memory().isPresent() ? " memory=" + r.memory().getAsInt() : "")
                          + (r.volumeSize().isPresent()
                              ? " volume=" + r.volumeSize().getAsInt()
                              : ""))
              .toList();
    }
  }

  /** Stop a cluster (docs/design.md §6.7). */
  record Stop(String cluster) implements Op {
    @Override
    public String describe() {
      return "stop " + cluster;
    }
  }

  /** Start a stopped cluster (docs/design.md §6.7). */
  record Start(String cluster) implements Op {
    @Override
    public String describe() {
      return "start " + cluster;
    }
  }

  /**
   * Restart a cluster, in batches of {@code batchSize} nodes (0: all at once) (docs/design.md
   * §6.7).
   */
  record Restart(String cluster, int batchSize, Duration period) implements Op {
    @Override
    public String describe() {
      return "restart "
          + cluster
          + (batchSize == 0 && period.isZero()
              ? ""
              : " in batches of " + batchSize + " every " + period.toMillis() + " ms");
    }
  }

  /** Upgrade a cluster to another version of its spec (docs/design.md §6.6). */
  record UpgradeTo(String cluster, AppSpec spec) implements Op {
    @Override
    public String describe() {
      return "upgrade " + cluster + " to version " + spec.version();
    }
  }

  /** Roll a cluster back to its previous version (docs/design.md §6.6). */
  record RollBack(String cluster) implements Op {
    @Override
    public String describe() {
      return "rollback " + cluster;
    }
  }

  /** Run a service on demand, on one role or on every role that defines it (§6.8). */
  record RunSvc(String cluster, String service, Optional<String> role) implements Op {
    @Override
    public String describe() {
      return "run " + service + role.map(r -> " on " + r).orElse("") + " of " + cluster;
    }
  }

  /** Back a cluster up (§6.10). */
  record BackUp(String cluster) implements Op {
    @Override
    public String describe() {
      return "backup " + cluster;
    }
  }

  /** Restore a backup as a new cluster (§6.10); {@code counts} are the backup's. */
  record Restore(String backupId, String name, Map<String, Integer> counts) implements Op {
    @Override
    public String describe() {
      return "restore " + backupId + " as " + name + " " + counts;
    }
  }

  /** Add a role with {@code count} nodes (0: the role's own count) (§6.9). */
  record NewRole(String cluster, RoleSpec role, int count) implements Op {
    @Override
    public String describe() {
      return "add role "
          + role.name()
          + " ("
          + (count == 0 ? role.count() : count)
          + " nodes) to "
          + cluster;
    }
  }

  /** Remove a role and its nodes (§6.9). */
  record DropRole(String cluster, String role, boolean force) implements Op {
    @Override
    public String describe() {
      return "remove role " + role + " of " + cluster + (force ? " (forced)" : "");
    }
  }

  /** Promote a node to its role's primary (§6.11). */
  record PromoteNode(String cluster, String node, boolean switchover) implements Op {
    @Override
    public String describe() {
      return "promote " + node + " of " + cluster + (switchover ? " (switchover)" : "");
    }
  }

  /** Give up a cluster's failed, cancelled or interrupted operation (§7.8). */
  record SkipFailed(String cluster) implements Op {
    @Override
    public String describe() {
      return "skip-failed " + cluster;
    }
  }

  /** How a call ended, seen from the caller. */
  enum Outcome {
    /** Completed normally. */
    SUCCEEDED,
    /** The operation ran and failed part-way (or timed out). */
    FAILED,
    /** A guard or pre-check refused the operation: it failed, changing nothing. */
    REFUSED,
    /** The request was turned down before an operation ran (validation, conflict, state, store). */
    REJECTED,
    /** No operation of the request was ever recorded (a crash before it started). */
    NOT_STARTED
  }

  record Result(Outcome outcome, Throwable error) {
    static Result of(Throwable e) {
      Throwable t = unwrap(e);
      if (t instanceof OperationFailedException f) {
        return new Result(f.operation().refused() ? Outcome.REFUSED : Outcome.FAILED, t);
      }
      if (t instanceof LifecycleTimeoutException) {
        return new Result(Outcome.FAILED, t);
      }
      return new Result(Outcome.REJECTED, t);
    }

    @Override
    public String toString() {
      return outcome
          + (error == null
              ? ""
              : " (" + error.getClass().getSimpleName() + ": " + error.getMessage() + ")");
    }
  }

  /** One engine and the simulator view it was built on. */
  record Generation(
      int number, Simulator sim, LifecycleEngine engine, RecordingEventListener events) {}

  /** The cpu, memory and volume size (0: none) of a node. */
  record Size(int cpu, int memory, int volumeSize) {
    static Size of(Node n) {
      return new Size(n.cpu(), n.memory(), n.volumeSize());
    }

    static Size of(NodeResource r) {
      return new Size(r.cpu(), r.memory(), r.volumeSize());
    }

    static Size of(RoleSpec r) {
      return new Size(r.cpu(), r.memory(), r.volume().map(v -> v.size()).orElse(0));
    }
  }

  /**
   * Where an operation leaves a cluster when it succeeds.
   *
   * @param ids its node ids
   * @param state its state: RUNNING, STOPPED or DONE; null when either RUNNING or STOPPED will do
   * @param version the version its spec and every node run, or null when it does not change
   * @param sizes the size of every node of these roles, by role (only what the operation changes)
   */
  record Goal(
      Set<String> ids,
      ClusterState state,
      String version,
      Map<String, Size> sizes,
      String what,
      java.util.function.Predicate<Cluster> extra) {
    Goal(Set<String> ids, ClusterState state, String version, Map<String, Size> sizes) {
      this(ids, state, version, sizes, null, null);
    }

    static Goal of(Set<String> ids, ClusterState state) {
      return new Goal(ids, state, null, Map.of());
    }

    /** The same goal, with one more thing that must hold of the cluster on success. */
    Goal and(String description, java.util.function.Predicate<Cluster> condition) {
      return new Goal(ids, state, version, sizes, description, condition);
    }
  }

  /** What the model knows about one cluster, by id. */
  static final class Model {
    final String id;
    final String name;

    /** Where the interrupted or failed operation is heading; null when none is pending. */
    Goal target;

    /** Node ids before the pending operation began: where a refusal on recover returns to. */
    Set<String> origin;

    /**
     * Nodes a RUNNING cluster may hold STOPPED: skip-failed records the nodes as the provider has
     * them (a failed stop or start leaves some stopped), and an operation of the UPDATING family
     * started from FAILED_UPDATING runs only on up nodes (§3.3, §7.8).
     */
    final Set<String> strays = new HashSet<>();

    /** Skip-failed gave up a version change: nodes may run different versions. */
    boolean mixedVersions;

    /** Skip-failed gave up a vertical scaling: nodes of a role may differ in size. */
    boolean mixedSizes;

    /**
     * Skip-failed wrote the nodes' states and addresses from the provider but not their sizes and
     * images (tolerated with {@link World#tolerateSkipFailedSizes}).
     */
    boolean sizesInDoubt;

    final Set<String> seen = new HashSet<>();
    final Set<String> gone = new HashSet<>();
    final Map<String, Integer> lastIndex = new HashMap<>();

    Model(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  // ---------------------------------------------------------------- state

  final long seed;
  final ScheduledExecutorService scheduler;
  final ExecutorService callers;
  final VirtualClock clock = new VirtualClock();
  final InMemoryResourceProvider provider;
  final ScriptedCommandExecutor commands;
  final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
  final InMemoryClusterStore store = new InMemoryClusterStore();
  final CodecRoundTrips roundTrips = new CodecRoundTrips();
  final List<Generation> generations = new ArrayList<>();
  final Map<String, Model> models = new LinkedHashMap<>();
  final List<String> log = new ArrayList<>();
  final Map<FaultKind, Long> pastFaults = new EnumMap<>(FaultKind.class);
  Simulator sim;
  LifecycleEngine engine;
  int crashes;
  int blockedCancels;
  int refusalsRecordedCancelled;

  /**
   * Whether invariant 11 lets a second run of a step overlap a first one whose STARTED journal
   * entry was never written before the engine died (engine bug reported with issue 20: the engine
   * launches a command before its STARTED entry is durable, so a crash can leave a run that recover
   * cannot know to fence). The overlaps tolerated are listed in {@link #unjournaledOverlaps}.
   */
  boolean tolerateUnjournaledRuns = false;

  /**
   * Whether invariant 10 lets a cluster keep the {@code /vertical-scaling-roles} key of a cancelled
   * vertical scaling after skip-failed gave it up (engine bug reported with issue 20: skip-failed
   * runs no finally stage, so the key stays in a RUNNING cluster).
   */
  boolean tolerateStaleScalingKeys;

  /**
   * Whether invariant 7 lets a cluster skip-failed set RUNNING keep recorded sizes and images that
   * are not the provider's (engine bug reported with issue 20: skip-failed takes only the state,
   * address and instance id of each node from the provider, so a resize or image replacement a
   * cancel abandoned after it took effect stays unrecorded).
   */
  boolean tolerateSkipFailedSizes;

  /** Overlapping runs tolerated by {@link #tolerateUnjournaledRuns}. */
  final Set<String> unjournaledOverlaps = new TreeSet<>();

  private int faultWindow;
  private long permanentQueued;
  private final AtomicInteger hangBudget = new AtomicInteger();
  private final AtomicInteger hangsStarted = new AtomicInteger();

  World(long seed) {
    this.seed = seed;
    int n = WORLDS.incrementAndGet();
    this.scheduler = Executors.newScheduledThreadPool(2, daemon("world-" + n + "-timers"));
    this.callers = Executors.newCachedThreadPool(daemon("world-" + n + "-caller"));
    this.provider = InMemoryResourceProvider.builder().clock(clock).build();
    this.commands = ScriptedCommandExecutor.builder().clock(clock).scheduler(scheduler).build();
    // first in matching order: while armed, the next runs hang until cancelled or fenced
    this.commands
        .onAny()
        .hang()
        .when(
            r -> {
              if (hangBudget.get() > 0 && hangBudget.getAndDecrement() > 0) {
                hangsStarted.incrementAndGet();
                return true;
              }
              return false;
            });
    this.sim =
        Simulator.builder()
            .seed(seed)
            .scheduler(scheduler)
            .build()
            // a little latency everywhere, so that steps of a stage really overlap
            .latency(
                SpiMethod.of(SpiMethod.Spi.RESOURCE_PROVIDER), Duration.ZERO, Duration.ofMillis(2))
            .latency(SpiMethod.COMMAND_RUN, Duration.ZERO, Duration.ofMillis(2));
    for (FaultKind k : FaultKind.values()) {
      pastFaults.put(k, 0L);
    }
    startEngine();
  }

  static boolean isTransient(Throwable e) {
    return unwrap(e) instanceof TransientSpiException;
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** An engine builder on SPIs wrapped by {@code sim}, with {@link #FAST_RETRY}. */
  static LifecycleEngineBuilder engineBuilder(
      Simulator sim,
      ResourceProvider provider,
      CommandExecutor commands,
      MetadataStore metadata,
      ClusterStore store) {
    return LifecycleEngine.builder()
        .resourceProvider(sim.wrap(provider))
        .commandExecutor(sim.wrap(commands))
        .metadataStore(sim.wrap(metadata))
        .clusterStore(sim.wrap(store))
        .eventCloseWait(java.time.Duration.ZERO)
        .retry(FAST_RETRY);
  }

  private void startEngine() {
    RecordingEventListener events = new RecordingEventListener();
    // each engine has a scheduler and threads of its own: a dead engine blocks only its own
    engine =
        engineBuilder(sim, provider, commands, metadata, roundTrips.wrap(store))
            .clock(clock)
            .leaseDuration(LEASE)
            .eventListener(events)
            .build();
    generations.add(new Generation(generations.size(), sim, engine, events));
  }

  // ---------------------------------------------------------------- fault actions

  /** Makes the next run of a service exit with a non-zero code. */
  void failNextCommand(String service, int exitCode) {
    note("next " + service + " exits " + exitCode);
    commands.on(service).exit(exitCode).times(1);
  }

  /**
   * Makes the next {@code runs} command runs (of any service) take {@code latency} before they end,
   * so that a crash or a cancel can catch them going.
   */
  void slowCommands(Duration latency, int runs) {
    note("next " + runs + " commands take " + latency.toMillis() + " ms");
    commands.onAny().latency(latency).times(runs);
  }

  /** Makes the next call of a method fail permanently, through the simulator. */
  void failNextCall(SpiMethod method) {
    note("next " + method + " fails permanently");
    permanentQueued++;
    sim.failNext(method);
  }

  /** Turns transient failures on for the next {@code actions} actions (this one not counted). */
  void transientFaults(Set<SpiMethod> methods, double probability, int actions) {
    note(
        "transient faults p="
            + probability
            + " on "
            + methods.size()
            + " methods for "
            + actions
            + " actions");
    sim.transientFailures(SpiMethod.all(), 0.0);
    sim.transientFailures(methods, probability);
    faultWindow = actions + 1;
  }

  /** Called after every action: closes the transient-fault window when it runs out. */
  void endOfAction() {
    if (faultWindow > 0 && --faultWindow == 0) {
      sim.transientFailures(SpiMethod.all(), 0.0);
    }
  }

  boolean faultsActive() {
    return faultWindow > 0 || permanentQueued > totalFaults(FaultKind.PERMANENT);
  }

  long totalFaults(FaultKind kind) {
    return pastFaults.get(kind) + sim.count(kind);
  }

  // ---------------------------------------------------------------- operations

  private CompletableFuture<?> submit(LifecycleEngine e, Op op) {
    if (op instanceof Create c) {
      return e.submit(CreateCluster.builder(c.spec(), c.name()).build());
    } else if (op instanceof Add a) {
      return e.submit(AddNodes.of(a.cluster(), a.role(), a.count()));
    } else if (op instanceof RemoveNodes d) {
      DeleteNodes r = new DeleteNodes(d.cluster(), d.nodes(), false, Optional.empty());
      return e.submit(d.force() ? r.forced() : r);
    } else if (op instanceof Delete d) {
      DeleteCluster r = DeleteCluster.of(d.cluster());
      r = d.force() ? r.forced() : r;
      return e.submit(d.keepVolumes() ? r.keepingVolumes() : r);
    } else if (op instanceof Recover r) {
      return e.recoverAsync(r.cluster(), BOUND);
    } else if (op instanceof Resize r) {
      return e.submit(new ScaleVertical(r.cluster(), r.roles(), Optional.empty()));
    } else if (op instanceof Stop r) {
      return e.submit(StopCluster.of(r.cluster()));
    } else if (op instanceof Start r) {
      return e.submit(StartCluster.of(r.cluster()));
    } else if (op instanceof Restart r) {
      return e.submit(RestartCluster.of(r.cluster()).inBatches(r.batchSize(), r.period()));
    } else if (op instanceof UpgradeTo r) {
      return e.submit(Upgrade.of(r.cluster(), r.spec()));
    } else if (op instanceof RollBack r) {
      return e.submit(Rollback.of(r.cluster()));
    } else if (op instanceof RunSvc r) {
      RunService q = RunService.of(r.cluster(), r.service());
      return e.submit(r.role().map(q::onRole).orElse(q));
    } else if (op instanceof BackUp r) {
      return e.submit(BackupCluster.of(r.cluster()));
    } else if (op instanceof Restore r) {
      RestoreCluster.Builder b = RestoreCluster.builder(r.backupId(), r.name());
      r.counts().forEach(b::count);
      return e.submit(b.build());
    } else if (op instanceof NewRole r) {
      AddRole q = AddRole.of(r.cluster(), r.role());
      return e.submit(r.count() == 0 ? q : q.withCount(r.count()));
    } else if (op instanceof DropRole r) {
      RemoveRole q = RemoveRole.of(r.cluster(), r.role());
      return e.submit(r.force() ? q.forced() : q);
    } else if (op instanceof PromoteNode r) {
      Promote q = Promote.of(r.cluster(), r.node());
      return e.submit(r.switchover() ? q.asSwitchover() : q);
    } else if (op instanceof SkipFailed r) {
      return e.skipFailedAsync(r.cluster(), BOUND);
    }
    throw new IllegalArgumentException("unknown op " + op);
  }

  /** Runs an operation on the engine in charge and checks its outcome against the model. */
  Result perform(Op op) {
    Snapshot before = snapshot();
    boolean faulty = faultsActive();
    CompletableFuture<?> call =
        CompletableFuture.supplyAsync(() -> submit(engine, op), callers).thenCompose(f -> f);
    Result result;
    try {
      call.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
      result = new Result(Outcome.SUCCEEDED, null);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "every operation ends: '"
              + op.describe()
              + "' did not end within "
              + BOUND
              + "\n"
              + history());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      result = Result.of(e);
    }
    note(op.describe() + " -> " + result);
    expect(op, result, before, faulty, false);
    if (faulty && result.outcome() == Outcome.REJECTED) {
      recoverUnrecordedEnds();
    }
    return result;
  }

  /**
   * When faults kept the engine from recording an operation's end, it says so and leaves the
   * cluster naming the operation: the caller runs recover, as the message tells them.
   */
  private void recoverUnrecordedEnds() {
    for (Cluster c : snapshot().clusters().values()) {
      if (c.operation().isPresent()) {
        Result r = recoverPatiently(c.id());
        note("  recover " + name(c.id()) + " (its end was not recorded) -> " + r);
      }
    }
  }

  /**
   * Arms the crash switch to trip after {@code calls} more SPI calls, runs the operation until it
   * ends or the switch trips, and, when it tripped, lets a new engine take over: the clock moves
   * past the lease, the simulator is revived and {@code recover} is called on the cluster.
   */
  void crashDuring(Op op, int calls) {
    crashDuring(op, calls, 0, false);
  }

  /**
   * As {@link #crashDuring(Op, int)}, but the next {@code hangs} command runs hang, and the engine
   * also dies as soon as one of them has started; when {@code cancel} is set, the new engine
   * cancels the operation the dead one left (§7.8) instead of recovering it.
   */
  void crashDuring(Op op, int calls, int hangs, boolean cancel) {
    Snapshot before = snapshot();
    boolean faulty = faultsActive();
    int hung = hangsStarted.get();
    hangBudget.set(hangs);
    sim.crashAfter(calls);
    // the engine that is to die, read now: the caller's thread may start only after a background
    // call of this engine tripped the switch and restart() put a live engine in the field
    LifecycleEngine doomed = engine;
    CompletableFuture<?> dying =
        CompletableFuture.supplyAsync(() -> submit(doomed, op), callers).thenCompose(f -> f);
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!dying.isDone() && !sim.awaitCrashed(Duration.ofMillis(5))) {
      if (hangsStarted.get() > hung && !sim.crashed()) {
        sim.crash();
        continue;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "every operation ends: '"
                + op.describe()
                + "' neither ended nor"
                + " crashed within "
                + BOUND
                + "\n"
                + history());
      }
    }
    hangBudget.set(0);
    boolean crashed = sim.crashed() || !sim.disarm();
    if (!crashed) {
      Result result;
      try {
        dying.join();
        result = new Result(Outcome.SUCCEEDED, null);
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        result = Result.of(e);
      }
      note(
          "crash after "
              + calls
              + " calls armed, but "
              + op.describe()
              + " ended first -> "
              + result);
      expect(op, result, before, faulty, false);
      return;
    }
    if (!sim.awaitCrashed(BOUND)) {
      throw new AssertionError("calls admitted before the crash did not settle within " + BOUND);
    }
    crashes++;
    note(
        "CRASH after "
            + calls
            + " calls"
            + (hangs > 0 ? " or a hanging command" : "")
            + " during "
            + op.describe()
            + " ("
            + (hangsStarted.get() - hung)
            + " commands hung)");
    restart();
    // the cluster the operation was on, and any other cluster an operation is recorded on
    Set<String> toRecover = new TreeSet<>();
    Optional<String> target =
        before
            .live(clusterName(op))
            .map(Cluster::id)
            .or(() -> live(clusterName(op)).map(Cluster::id));
    target.ifPresent(toRecover::add);
    store.list().join().stream()
        .filter(c -> !c.operation().orElse("").isEmpty())
        .forEach(c -> toRecover.add(c.id()));
    Result recovered = new Result(Outcome.NOT_STARTED, null);
    for (String id : toRecover) {
      Optional<Operation> named =
          store
              .cluster(id)
              .flatMap(c -> c.operation())
              .filter(o -> !o.isEmpty())
              .flatMap(o -> store.getOperation(o).join());
      // An operation whose end was recorded but whose cluster record was not (a crash between the
      // two writes) is not cancelled: cancel completes its end as recover would (§7.8).
      if (cancel && named.isPresent() && target.map(id::equals).orElse(false)) {
        Result r = cancelOrphan(id);
        note(
            "  cancel "
                + name(id)
                + " -> "
                + r
                + ", now "
                + store.cluster(id).map(c -> c.state().name()).orElse("gone"));
        if (r.outcome() == Outcome.SUCCEEDED) {
          recovered = r;
          continue;
        }
        if (!faultsActive()) {
          throw new AssertionError(
              "cancel of the operation a dead engine left was rejected: " + r + "\n" + history());
        }
      }
      Result r = recoverPatiently(id);
      note(
          "  recover "
              + name(id)
              + " -> "
              + r
              + ", now "
              + store.cluster(id).map(c -> c.state().name()).orElse("gone"));
      if (target.map(id::equals).orElse(false)) {
        recovered = r;
      }
    }
    if (recovered.outcome() == Outcome.REJECTED && !faultsActive()) {
      throw new AssertionError(
          "recover after the crash was rejected: " + recovered + "\n" + history());
    }
    expect(op, null, before, faulty, true);
  }

  /** Cancels the operation a dead engine left on a cluster. */
  private Result cancelOrphan(String clusterId) {
    CompletableFuture<?> call =
        CompletableFuture.supplyAsync(() -> engine.cancelAsync(clusterId), callers)
            .thenCompose(f -> f);
    try {
      call.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
      return new Result(Outcome.SUCCEEDED, null);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "cancel of " + name(clusterId) + " did not end within " + BOUND + "\n" + history());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      return new Result(Outcome.REJECTED, unwrap(e));
    }
  }

  /**
   * Runs an operation and cancels it (§7.8) once {@code calls} more SPI calls were made, or one of
   * the next {@code hangs} command runs (which hang) has started, or at once when {@code calls} is
   * 0. A cancel turned down because the operation has not claimed its cluster yet is asked again
   * until the operation ends. The operation's outcome is checked against the model as usual: a
   * cancelled operation is one that failed, and recover resumes it.
   */
  Result cancelDuring(Op op, int calls, int hangs) {
    Snapshot before = snapshot();
    boolean faulty = faultsActive();
    int hung = hangsStarted.get();
    long start = sim.calls();
    hangBudget.set(hangs);
    CompletableFuture<?> call =
        CompletableFuture.supplyAsync(() -> submit(engine, op), callers).thenCompose(f -> f);
    long deadline = System.nanoTime() + BOUND.toNanos();
    List<String> cancels = new ArrayList<>();
    try {
      while (!call.isDone()
          && sim.calls() - start < calls
          && hangsStarted.get() == hung
          && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      String name = clusterName(op);
      while (!call.isDone() && System.nanoTime() < deadline) {
        CompletableFuture<Operation> c =
            CompletableFuture.supplyAsync(() -> engine.cancelAsync(name), callers)
                .thenCompose(f -> f);
        try {
          // a cancel that waits longer than this (it once waited for the claim of an operation
          // that was starting, i.e. until the operation ended) is counted, and asked again
          Operation o = c.get(CANCEL_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
          cancels.add("cancel -> " + o.state());
          break;
        } catch (TimeoutException e) {
          blockedCancels++;
          net.jqwik.api.statistics.Statistics.label("cancels").collect("blocked, asked again");
          cancels.add("cancel blocked");
        } catch (ExecutionException e) {
          String why = unwrap(e).getClass().getSimpleName() + " (" + unwrap(e).getMessage() + ")";
          if (cancels.isEmpty() || !cancels.get(cancels.size() - 1).endsWith(why)) {
            cancels.add("cancel -> " + why);
          }
          Thread.sleep(1);
        }
      }
      hangBudget.set(0);
      call.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      Result result = new Result(Outcome.SUCCEEDED, null);
      note(describeCancel(op, calls, hangs, hung, cancels) + " -> " + result);
      expect(op, result, before, faulty, false);
      return result;
    } catch (TimeoutException e) {
      throw new AssertionError(
          "every operation ends: '"
              + op.describe()
              + "', cancelled ("
              + cancels
              + "), did not end within "
              + BOUND
              + "\n"
              + history());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      Result result = Result.of(e);
      note(describeCancel(op, calls, hangs, hung, cancels) + " -> " + result);
      expect(op, result, before, faulty, false);
      if (faulty && result.outcome() == Outcome.REJECTED) {
        recoverUnrecordedEnds();
      }
      return result;
    } finally {
      hangBudget.set(0);
    }
  }

  private String describeCancel(Op op, int calls, int hangs, int hung, List<String> cancels) {
    return op.describe()
        + ", cancelled after "
        + calls
        + " calls"
        + (hangs > 0 ? " or a hanging command (" + (hangsStarted.get() - hung) + " hung)" : "")
        + " "
        + cancels;
  }

  /** The engine in charge died: a new one, on a revived simulator, with the lease lapsed. */
  private void restart() {
    for (FaultKind k : FaultKind.values()) {
      pastFaults.merge(k, sim.count(k), Long::sum);
    }
    engine.close();
    clock.advance(LEASE.plusSeconds(1));
    sim = sim.revive();
    startEngine();
  }

  /** Recovers a cluster; asks again (up to 3 times) when a transient failure turned it down. */
  private Result recoverPatiently(String clusterId) {
    Result r = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      CompletableFuture<?> call =
          CompletableFuture.supplyAsync(() -> engine.recoverAsync(clusterId, BOUND), callers)
              .thenCompose(f -> f);
      try {
        call.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        return new Result(Outcome.SUCCEEDED, null);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "every operation ends: recover of "
                + name(clusterId)
                + " did not end within "
                + BOUND
                + "\n"
                + history());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      } catch (ExecutionException e) {
        r = Result.of(e);
        if (r.outcome() != Outcome.REJECTED || !isTransient(r.error())) {
          return r;
        }
      }
    }
    return r;
  }

  // ---------------------------------------------------------------- the model

  /** The records of every cluster and their operations, at one moment. */
  record Snapshot(Map<String, Cluster> clusters, Map<String, List<Operation>> operations) {
    Optional<Cluster> live(String name) {
      return clusters.values().stream()
          .filter(c -> c.name().equals(name) && c.state() != ClusterState.DONE)
          .findFirst();
    }
  }

  Snapshot snapshot() {
    Map<String, Cluster> clusters = new LinkedHashMap<>();
    Map<String, List<Operation>> ops = new LinkedHashMap<>();
    for (Cluster c : store.list().join()) {
      clusters.put(c.id(), c);
      ops.put(c.id(), store.operations(c.id()).join());
    }
    return new Snapshot(clusters, ops);
  }

  /** The record of the cluster with this name that is not DONE, if any. */
  Optional<Cluster> live(String name) {
    return store.list().join().stream()
        .filter(c -> c.name().equals(name) && c.state() != ClusterState.DONE)
        .findFirst();
  }

  List<Cluster> liveClusters() {
    return store.list().join().stream()
        .filter(c -> c.state() != ClusterState.DONE)
        .sorted(Comparator.comparing(Cluster::name))
        .toList();
  }

  private String name(String clusterId) {
    return store.cluster(clusterId).map(Cluster::name).orElse(clusterId);
  }

  static String clusterName(Op op) {
    if (op instanceof Create c) {
      return c.name();
    } else if (op instanceof Add a) {
      return a.cluster();
    } else if (op instanceof RemoveNodes d) {
      return d.cluster();
    } else if (op instanceof Delete d) {
      return d.cluster();
    } else if (op instanceof Resize r) {
      return r.cluster();
    } else if (op instanceof Stop r) {
      return r.cluster();
    } else if (op instanceof Start r) {
      return r.cluster();
    } else if (op instanceof Restart r) {
      return r.cluster();
    } else if (op instanceof UpgradeTo r) {
      return r.cluster();
    } else if (op instanceof RollBack r) {
      return r.cluster();
    } else if (op instanceof RunSvc r) {
      return r.cluster();
    } else if (op instanceof BackUp r) {
      return r.cluster();
    } else if (op instanceof Restore r) {
      return r.name();
    } else if (op instanceof NewRole r) {
      return r.cluster();
    } else if (op instanceof DropRole r) {
      return r.cluster();
    } else if (op instanceof PromoteNode r) {
      return r.cluster();
    } else if (op instanceof SkipFailed r) {
      return r.cluster();
    }
    return ((Recover) op).cluster();
  }

  private static Set<String> ids(Cluster c) {
    return c.nodes().stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The node ids a create of {@code spec} named {@code name} makes. */
  static Set<String> createdIds(String name, AppSpec spec) {
    Set<String> ids = new TreeSet<>();
    for (RoleSpec r : spec.roles()) {
      for (int i = 1; i <= r.count(); i++) {
        ids.add(name + "-" + r.name() + "-" + i);
      }
    }
    return ids;
  }

  /**
   * Checks an operation's outcome against the model and moves the model on. {@code result} is the
   * caller's view, or null after a crash, when only the records tell how it went.
   */
  private void expect(Op op, Result result, Snapshot before, boolean faulty, boolean crashed) {
    String name = clusterName(op);
    Optional<Cluster> was = before.live(name);
    Optional<Cluster> now = live(name);
    if (now.isEmpty() && was.isPresent()) {
      now = store.cluster(was.get().id()); // it may be DONE now
    }
    if (op instanceof SkipFailed) {
      expectSkipped(op, result, before, faulty, was, now);
      return;
    }
    Optional<Operation> record = operationOf(op, before, now);
    Set<String> history = now.map(c -> Set.copyOf(c.history())).orElse(Set.of());
    // the engine could not write the operation's end: it says so, the cluster still names the
    // operation, and the recover that follows records the end
    boolean endUnrecorded =
        faulty
            && result != null
            && result.outcome() == Outcome.REJECTED
            && String.valueOf(result.error().getMessage()).contains("could not record the end of");
    Outcome seen =
        record
            .map(
                o ->
                    switch (o.state()) {
                      case SUCCEEDED -> Outcome.SUCCEEDED;
                      case FAILED -> o.refused() ? Outcome.REFUSED : Outcome.FAILED;
                      // cancelled once it had claimed the cluster: it failed, recover resumes it
                      case CANCELLED ->
                          history.contains(o.id()) ? Outcome.FAILED : Outcome.NOT_STARTED;
                      default -> {
                        if (endUnrecorded) {
                          yield Outcome.REJECTED;
                        }
                        throw new AssertionError(
                            "every operation ends: operation "
                                + o.id()
                                + " ("
                                + o.type()
                                + ") of "
                                + name
                                + " is still "
                                + o.state()
                                + " after '"
                                + op.describe()
                                + "'"
                                + (crashed ? " and the recover that followed the crash" : "")
                                + "\n"
                                + history());
                      }
                    })
            .orElse(Outcome.NOT_STARTED);
    Outcome outcome = result == null ? seen : result.outcome();
    boolean nothingToResume =
        op instanceof Recover && record.isEmpty() && outcome == Outcome.SUCCEEDED;
    // Engine race (reported with issue 20): a cancel that comes as a guard refuses the operation
    // records it CANCELLED while the caller is told it was refused and the cluster goes back where
    // it started; the refusal is what the records of the cluster show, so it is checked as one.
    boolean refusedAsCancelled =
        outcome == Outcome.REFUSED
            && record.map(o -> o.state() == OperationState.CANCELLED).orElse(false);
    if (refusedAsCancelled) {
      refusalsRecordedCancelled++;
    }
    if (result != null
        && outcome != Outcome.REJECTED
        && outcome != seen
        && !nothingToResume
        && !refusedAsCancelled) {
      throw new AssertionError(
          "'"
              + op.describe()
              + "' ended "
              + result
              + " but its operation"
              + " record says "
              + seen
              + "\n"
              + history());
    }
    if (outcome == Outcome.REJECTED || outcome == Outcome.NOT_STARTED) {
      if (!faulty
          && !crashed
          && now.map(c -> !Objects.equals(c, was.orElse(null))).orElse(false)
          && !(op instanceof Recover)) {
        throw new AssertionError(
            "a rejected request changed nothing: '"
                + op.describe()
                + "' was rejected ("
                + result
                + ") but changed "
                + name
                + " from "
                + was.map(World::brief).orElse("nothing")
                + " to "
                + brief(now.get())
                + "\n"
                + history());
      }
      return;
    }
    Cluster c =
        now.orElseThrow(
            () ->
                new AssertionError(
                    "'"
                        + op.describe()
                        + "' ended "
                        + outcome
                        + " but no record of "
                        + name
                        + " is left\n"
                        + history()));
    Model m = models.computeIfAbsent(c.id(), id -> new Model(id, c.name()));
    Cluster b = was.orElse(null);
    Goal goal;
    if (op instanceof Create cr) {
      goal = Goal.of(createdIds(cr.name(), cr.spec()), ClusterState.RUNNING);
    } else if (op instanceof Add a) {
      int last = b.lastIndex().getOrDefault(a.role(), 0);
      Set<String> ids = new TreeSet<>(ids(b));
      for (int i = 1; i <= a.count(); i++) {
        ids.add(b.name() + "-" + a.role() + "-" + (last + i));
      }
      goal = Goal.of(ids, ClusterState.RUNNING);
    } else if (op instanceof RemoveNodes d) {
      Set<String> ids = new TreeSet<>(ids(b));
      ids.removeAll(d.nodes());
      goal = Goal.of(ids, ClusterState.RUNNING);
    } else if (op instanceof Delete) {
      goal = Goal.of(Set.of(), ClusterState.DONE);
    } else if (op instanceof Resize r) {
      Map<String, Size> sizes = new TreeMap<>();
      for (RoleResize z : r.roles()) {
        Size current = Size.of(b.spec().role(z.role()).orElseThrow());
        sizes.put(
            z.role(),
            new Size(
                z.cpu().orElse(current.cpu()),
                z.memory().orElse(current.memory()),
                z.volumeSize().orElse(current.volumeSize())));
      }
      goal = new Goal(ids(b), ClusterState.RUNNING, null, sizes);
    } else if (op instanceof Stop) {
      goal = Goal.of(ids(b), ClusterState.STOPPED);
    } else if (op instanceof Start || op instanceof Restart) {
      goal = Goal.of(ids(b), ClusterState.RUNNING);
    } else if (op instanceof UpgradeTo u) {
      // a stopped cluster stays stopped after an upgrade (docs/design.md §6.7); it ends STOPPED
      // too when every node is stopped at the end (§3.3): a running cluster whose nodes are all
      // strays a skip-failed left stopped, since an upgrade starts only the nodes it stopped
      goal = new Goal(ids(b), versionChangeEnd(b), u.spec().version(), Map.of());
    } else if (op instanceof RollBack) {
      String back = b.previousSpec().map(AppSpec::version).orElseThrow();
      goal = new Goal(ids(b), versionChangeEnd(b), back, Map.of());
    } else if (op instanceof RunSvc || op instanceof BackUp) {
      goal = Goal.of(ids(b), ClusterState.RUNNING);
    } else if (op instanceof PromoteNode p) {
      String role = b.node(p.node()).orElseThrow().role();
      goal =
          Goal.of(ids(b), ClusterState.RUNNING)
              .and(
                  "with " + p.node() + " the primary of " + role,
                  x -> x.primary(role).map(Node::id).orElse("").equals(p.node()));
    } else if (op instanceof Restore r) {
      Set<String> ids = new TreeSet<>();
      r.counts().forEach((role, n) -> ids.addAll(indexes(r.name(), role, 0, n)));
      goal = Goal.of(ids, ClusterState.RUNNING);
    } else if (op instanceof NewRole a) {
      int count = a.count() == 0 ? a.role().count() : a.count();
      Set<String> ids = new TreeSet<>(ids(b));
      ids.addAll(
          indexes(
              b.name(), a.role().name(), b.lastIndex().getOrDefault(a.role().name(), 0), count));
      goal =
          Goal.of(ids, ClusterState.RUNNING)
              .and(
                  "with role " + a.role().name() + " in its spec",
                  x -> x.spec().role(a.role().name()).isPresent());
    } else if (op instanceof DropRole d) {
      Set<String> ids = new TreeSet<>(ids(b));
      b.nodes(d.role()).forEach(n -> ids.remove(n.id()));
      goal =
          Goal.of(ids, ClusterState.RUNNING)
              .and(
                  "without role " + d.role() + " in its spec",
                  x -> x.spec().role(d.role()).isEmpty());
    } else {
      Model pending = models.get(c.id());
      if (pending == null || pending.target == null) {
        // recover of a cluster that had nothing to resume changes nothing
        if (b != null && !Objects.equals(ids(b), ids(c))) {
          throw new AssertionError(
              "recover of "
                  + name
                  + " with nothing to resume changed its"
                  + " nodes from "
                  + ids(b)
                  + " to "
                  + ids(c)
                  + "\n"
                  + history());
        }
        return;
      }
      goal = pending.target;
    }
    // an operation of the UPDATING family started from FAILED_UPDATING leaves stopped nodes stopped
    // unless it stops or starts the cluster, or moves its version (§3.3)
    if (b != null
        && b.state() == ClusterState.FAILED_UPDATING
        && !(op instanceof Recover)
        && !(op instanceof Stop || op instanceof Start)) {
      b.nodes().stream()
          .filter(n -> n.state() == NodeState.STOPPED)
          .forEach(n -> m.strays.add(n.id()));
    }
    switch (outcome) {
      case SUCCEEDED -> {
        if (goal.state() == ClusterState.DONE) {
          require(c.state() == ClusterState.DONE, op, outcome, "DONE", c);
        } else {
          if (goal.state() == null) {
            require(
                c.state() == ClusterState.RUNNING || c.state() == ClusterState.STOPPED,
                op,
                outcome,
                "RUNNING or STOPPED",
                c);
          } else {
            require(c.state() == goal.state(), op, outcome, goal.state().name(), c);
          }
          NodeState up = c.state() == ClusterState.STOPPED ? NodeState.STOPPED : NodeState.RUNNING;
          require(ids(c).equals(goal.ids()), op, outcome, "exactly the nodes " + goal.ids(), c);
          require(
              c.nodes().stream()
                  .allMatch(
                      n ->
                          (n.state() == up
                                  || (n.state() == NodeState.STOPPED && m.strays.contains(n.id())))
                              && !n.address().orElse("").isEmpty()),
              op,
              outcome,
              "every node "
                  + up
                  + (m.strays.isEmpty() ? "" : " (or STOPPED among " + m.strays + ")")
                  + " with an address",
              c);
          if (goal.extra() != null) {
            require(goal.extra().test(c), op, outcome, goal.what(), c);
          }
          // nodes skip-failed left stopped in a RUNNING cluster are not up, so operations on up
          // nodes pass them by: they keep their version and size
          Set<String> strays = Set.copyOf(m.strays);
          if (goal.version() != null) {
            m.mixedVersions = !strays.isEmpty();
          }
          if (!goal.sizes().isEmpty() && !strays.isEmpty()) {
            m.mixedSizes = true;
          }
          if (goal.version() != null) {
            require(
                c.spec().version().equals(goal.version())
                    && c.nodes().stream()
                        .filter(n -> !strays.contains(n.id()))
                        .allMatch(n -> n.version().orElse("").equals(goal.version())),
                op,
                outcome,
                "on version " + goal.version() + ", its spec and every node",
                c);
          }
          goal.sizes()
              .forEach(
                  (role, size) ->
                      require(
                          c.nodes(role).stream()
                              .filter(n -> !strays.contains(n.id()))
                              .allMatch(
                                  n ->
                                      n.cpu() == size.cpu()
                                          && n.memory() == size.memory()
                                          && n.volumeSize() == size.volumeSize()),
                          op,
                          outcome,
                          "sized " + size + " on every node of " + role,
                          c));
        }
        m.target = null;
        m.origin = null;
      }
      case REFUSED -> {
        // a guard or pre-check refused: back where the operation started, nothing deleted or
        // added; on recover, that is where the interrupted operation started
        ClusterState startedFrom = record.orElseThrow().startedFrom();
        Set<String> origin = op instanceof Recover ? m.origin : ids(b);
        require(
            c.state() == startedFrom,
            op,
            outcome,
            "the state its operation started from (" + startedFrom + ")",
            c);
        require(ids(c).equals(origin), op, outcome, "the nodes it had before " + origin, c);
        if (!(op instanceof Recover)) {
          require(c.nodes().equals(b.nodes()), op, outcome, "its nodes unchanged", c);
        }
        if (!startedFrom.isFailed()) {
          // refused from a FAILED_ state, the operation that failed before is still to resume
          m.target = null;
          m.origin = null;
        }
      }
      case FAILED -> {
        require(c.state().isFailed(), op, outcome, "a FAILED_* state", c);
        if (!(op instanceof Recover)) {
          m.origin = b == null ? Set.of() : ids(b);
        }
        m.target = goal;
      }
      default -> throw new IllegalStateException(outcome.name());
    }
  }

  /** Node ids {@code <name>-<role>-<last+1>} to {@code <name>-<role>-<last+count>}. */
  static Set<String> indexes(String name, String role, int last, int count) {
    Set<String> ids = new TreeSet<>();
    for (int i = 1; i <= count; i++) {
      ids.add(name + "-" + role + "-" + (last + i));
    }
    return ids;
  }

  /**
   * Skip-failed (§7.8): the operation it gave up is CANCELLED; each node that has a resource is
   * kept, RUNNING or STOPPED as the provider reports it, at its address; a node without one left
   * the record; the cluster is DONE when a delete left no node, STOPPED when every node is stopped,
   * RUNNING otherwise. A cluster with nothing to give up is unchanged.
   */
  private void expectSkipped(
      Op op,
      Result result,
      Snapshot before,
      boolean faulty,
      Optional<Cluster> was,
      Optional<Cluster> now) {
    Outcome outcome = result == null ? Outcome.SUCCEEDED : result.outcome();
    if (outcome != Outcome.SUCCEEDED) {
      if (!faulty) {
        throw new AssertionError("'" + op.describe() + "' ended " + result + "\n" + history());
      }
      return;
    }
    Cluster b = was.orElseThrow();
    Cluster c = now.orElseThrow();
    Model m = models.computeIfAbsent(c.id(), id -> new Model(id, c.name()));
    List<Operation> opsBefore = before.operations().getOrDefault(b.id(), List.of());
    Optional<Operation> given =
        b.operation().isPresent() && !b.operation().orElse("").isEmpty()
            ? opsBefore.stream().filter(o -> o.id().equals(b.operation().orElse(""))).findFirst()
            : b.state().isFailed() ? lastResumable(b, opsBefore) : Optional.empty();
    if (given.isEmpty()) {
      require(c.equals(b), op, outcome, "unchanged (nothing to give up)", c);
      return;
    }
    Operation o =
        store.operations(c.id()).join().stream()
            .filter(x -> x.id().equals(given.get().id()))
            .findFirst()
            .orElseThrow();
    require(
        o.state() == OperationState.CANCELLED,
        op,
        outcome,
        "rid of operation " + o.id() + " (" + o.type() + "), CANCELLED, but it is " + o.state(),
        c);
    Map<String, NodeResource> byNode = new HashMap<>();
    provider.resources(c.id()).forEach(r -> byNode.put(r.ref().nodeId(), r));
    require(
        ids(c).equals(new TreeSet<>(byNode.keySet())),
        op,
        outcome,
        "holding exactly the nodes the provider has, " + new TreeSet<>(byNode.keySet()),
        c);
    require(ids(b).containsAll(ids(c)), op, outcome, "holding no node it had not " + ids(b), c);
    for (Node n : c.nodes()) {
      NodeResource r = byNode.get(n.id());
      if (r != null) {
        require(
            n.state() == (r.running() ? NodeState.RUNNING : NodeState.STOPPED)
                && r.address().equals(n.address().orElse(""))
                && r.instanceId().equals(n.instanceId().orElse("")),
            op,
            outcome,
            "recording " + n.id() + " as the provider has it (" + r + ")",
            c);
      }
    }
    ClusterState want =
        c.nodes().isEmpty() && o.type() == io.clusterlifecycle.api.state.OperationType.DELETE
            ? ClusterState.DONE
            : !c.nodes().isEmpty()
                    && c.nodes().stream().allMatch(n -> n.state() == NodeState.STOPPED)
                ? ClusterState.STOPPED
                : ClusterState.RUNNING;
    require(c.state() == want, op, outcome, want.name(), c);
    m.target = null;
    m.origin = null;
    m.sizesInDoubt = tolerateSkipFailedSizes;
    if (want == ClusterState.RUNNING) {
      c.nodes().stream()
          .filter(n -> n.state() == NodeState.STOPPED)
          .forEach(n -> m.strays.add(n.id()));
    }
    // what every operation it gave up, or that was given up or cancelled before, left half done
    for (Operation x : store.operations(c.id()).join()) {
      if (c.history().contains(x.id()) && x.state() != OperationState.SUCCEEDED) {
        switch (x.type()) {
          case UPGRADE, ROLLBACK -> m.mixedVersions = true;
          case SCALE_VERTICAL -> m.mixedSizes = true;
          default -> {}
        }
      }
    }
  }

  /**
   * The state an upgrade or rollback of the cluster ends in when it succeeds (docs/design.md §3.3):
   * STOPPED when it started STOPPED or every node is stopped (it starts only the nodes it stopped),
   * RUNNING from RUNNING otherwise, and either from any other state.
   */
  private static ClusterState versionChangeEnd(Cluster b) {
    boolean allStopped =
        !b.nodes().isEmpty() && b.nodes().stream().allMatch(n -> n.state() == NodeState.STOPPED);
    if (b.state() == ClusterState.STOPPED || (b.state() == ClusterState.RUNNING && allStopped)) {
      return ClusterState.STOPPED;
    }
    return b.state() == ClusterState.RUNNING ? ClusterState.RUNNING : null;
  }

  /** The operation skip-failed or recover takes up on a FAILED_ cluster with no operation. */
  private static Optional<Operation> lastResumable(Cluster c, List<Operation> ops) {
    for (int i = ops.size() - 1; i >= 0; i--) {
      Operation o = ops.get(i);
      boolean ended =
          o.state() == OperationState.FAILED
              || (o.state() == OperationState.CANCELLED && c.history().contains(o.id()));
      if (ended && o.type().failureState() == c.state()) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  private void require(boolean ok, Op op, Outcome outcome, String expected, Cluster c) {
    if (!ok) {
      throw new AssertionError(
          "'"
              + op.describe()
              + "' ended "
              + outcome
              + ", so "
              + c.name()
              + " should be "
              + expected
              + ", but it is "
              + brief(c)
              + "\n"
              + history());
    }
  }

  static String brief(Cluster c) {
    return c.state()
        + " v"
        + c.spec().version()
        + c.previousSpec().map(p -> " (previous v" + p.version() + ")").orElse("")
        + " "
        + c.nodes().stream()
            .map(
                n ->
                    n.id()
                        + ":"
                        + n.state()
                        + (n.address().orElse("").isEmpty() ? "" : "@" + n.address().orElse(""))
                        + " v"
                        + n.version().orElse("")
                        + " "
                        + n.cpu()
                        + "/"
                        + n.memory()
                        + (n.volumeSize() > 0 ? "/" + n.volumeSize() : ""))
            .toList()
        + (c.operation().orElse("").isEmpty() ? "" : " op=" + c.operation().orElse(""));
  }

  /** The operation record the action produced or resumed, if any. */
  private Optional<Operation> operationOf(Op op, Snapshot before, Optional<Cluster> now) {
    if (now.isEmpty()) {
      return Optional.empty();
    }
    Cluster c = now.get();
    List<Operation> ops = store.operations(c.id()).join();
    Set<String> old =
        before.operations().getOrDefault(c.id(), List.of()).stream()
            .map(Operation::id)
            .collect(Collectors.toSet());
    if (op instanceof Recover) {
      // the operation recover resumed: the newest one that was not SUCCEEDED before, leaving out
      // those cancelled before they claimed the cluster (nothing of theirs to resume)
      List<Operation> was = before.operations().getOrDefault(c.id(), List.of());
      for (int i = was.size() - 1; i >= 0; i--) {
        Operation o = was.get(i);
        boolean neverClaimed =
            o.state() == OperationState.CANCELLED && !c.history().contains(o.id());
        if (o.state() != OperationState.SUCCEEDED && !o.refused() && !neverClaimed) {
          return ops.stream().filter(x -> x.id().equals(o.id())).findFirst();
        }
      }
      return Optional.empty();
    }
    return ops.stream()
        .filter(o -> !old.contains(o.id()))
        .max(Comparator.comparing(Operation::createdAt));
  }

  // ---------------------------------------------------------------- invariants

  /** Checks every invariant of the class description; throws AssertionError naming each breach. */
  void checkInvariants() {
    List<String> problems = new ArrayList<>(roundTrips.mismatches());
    List<Cluster> records = store.list().join();
    Map<String, Cluster> byId = new LinkedHashMap<>();
    records.forEach(c -> byId.put(c.id(), c));

    // 1 and 2: records match resources, nothing leaked
    Set<String> clusterIds = new TreeSet<>(byId.keySet());
    provider.calls(ResourceCall.Method.CREATE).forEach(call -> clusterIds.add(call.clusterId()));
    for (String id : clusterIds) {
      Cluster c = byId.get(id);
      List<NodeResource> resources = provider.resources(id);
      List<String> held = resources.stream().map(r -> r.ref().nodeId()).toList();
      if (c == null) {
        if (!held.isEmpty()) {
          problems.add(
              "no resource leaked: cluster "
                  + id
                  + " has no record but the provider"
                  + " holds "
                  + held);
        }
        continue;
      }
      if (c.state() == ClusterState.DONE) {
        if (!held.isEmpty()) {
          problems.add(
              "no resource leaked: "
                  + c.name()
                  + " ("
                  + id
                  + ") is DONE but the"
                  + " provider still holds "
                  + held);
        }
        continue;
      }
      Map<String, NodeResource> byNode = new HashMap<>();
      resources.forEach(r -> byNode.put(r.ref().nodeId(), r));
      if (byNode.size() != resources.size()) {
        problems.add(
            "no duplicate nodes: the provider holds two resources for one node of "
                + c.name()
                + ": "
                + held);
      }
      Set<String> recorded = ids(c);
      for (String n : held) {
        if (!recorded.contains(n)) {
          problems.add(
              "no resource leaked: the provider holds "
                  + n
                  + " of "
                  + c.name()
                  + ", which is not a node of its record "
                  + brief(c));
        }
      }
      for (Node n : c.nodes()) {
        NodeResource r = byNode.get(n.id());
        boolean inDoubt = c.state().isFailed() && IN_DOUBT.contains(n.state());
        if (!n.address().orElse("").isEmpty() && r == null && !inDoubt) {
          problems.add(
              "records match resources: "
                  + c.name()
                  + " records "
                  + n.id()
                  + " ("
                  + n.state()
                  + ") at "
                  + n.address().orElse("")
                  + " but the provider has no resource for it;"
                  + " cluster "
                  + brief(c));
        } else if (!n.address().orElse("").isEmpty()
            && r != null
            && (!r.address().equals(n.address().orElse(""))
                || !r.instanceId().equals(n.instanceId().orElse("")))) {
          problems.add(
              "records match resources: "
                  + c.name()
                  + " records "
                  + n.id()
                  + " at "
                  + n.address().orElse("")
                  + "/"
                  + n.instanceId().orElse("")
                  + " but the provider has it at "
                  + r.address()
                  + "/"
                  + r.instanceId());
        } else if (n.address().orElse("").isEmpty() && r != null && !inDoubt) {
          problems.add(
              "records match resources: the provider holds "
                  + n.id()
                  + " of "
                  + c.name()
                  + " but its record ("
                  + n.state()
                  + ") has no address; cluster "
                  + brief(c));
        }
      }
    }

    // 11: no step ever runs twice at once
    checkNoOverlap(problems);

    // 6–9: an idle cluster's nodes agree with its state, its resources and its spec
    for (Cluster c : records) {
      if (c.state() != ClusterState.DONE
          && !c.state().isFailed()
          && c.operation().orElse("").isEmpty()) {
        checkIdle(c, problems);
      }
    }
    // 10: /vertical-scaling-roles only while an operation is under way
    Map<String, String> tree = metadata.snapshot();
    // (a cancel runs no more steps, not even a finally stage's (§7.8): a FAILED_ cluster whose
    // last operation was cancelled may keep the key until recover runs the finally stage)
    for (Cluster c : records) {
      if (c.operation().orElse("").isEmpty()
          && !((c.state().isFailed() || tolerateStaleScalingKeys) && lastCancelled(c))) {
        String prefix = "/clusters/" + c.id() + "/vertical-scaling-roles";
        List<String> left = tree.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        if (!left.isEmpty()) {
          problems.add(
              "no vertical scaling outside an operation: "
                  + c.name()
                  + " ("
                  + c.state()
                  + ") has no operation under way but the metadata tree holds "
                  + left);
        }
      }
    }

    // 3: states move along the transition table
    for (Generation g : generations) {
      Map<String, ClusterState> last = new HashMap<>();
      for (LifecycleEvent e : g.events().events(EventType.STATE_CHANGED)) {
        ClusterState from;
        ClusterState to;
        try {
          from = ClusterState.valueOf(e.from().orElse(null));
          to = ClusterState.valueOf(e.to().orElse(null));
        } catch (IllegalArgumentException | NullPointerException x) {
          problems.add(
              "states are known: engine "
                  + g.number()
                  + " event "
                  + e.seq()
                  + " moves "
                  + e.from().orElse(null)
                  + " -> "
                  + e.to().orElse(null));
          continue;
        }
        if (!from.canMoveTo(to)) {
          problems.add(
              "states move along the transition table: engine "
                  + g.number()
                  + " moved "
                  + name(e.cluster().orElse(null))
                  + " "
                  + from
                  + " -> "
                  + to
                  + " (event "
                  + e.seq()
                  + ")");
        }
        ClusterState previous = last.put(e.cluster().orElse(null), to);
        if (previous != null && previous != from) {
          problems.add(
              "states move along the transition table: engine "
                  + g.number()
                  + " moved "
                  + name(e.cluster().orElse(null))
                  + " to "
                  + previous
                  + ", then "
                  + from
                  + " -> "
                  + to);
        }
      }
      if (g.engine() == engine) {
        last.forEach(
            (id, state) -> {
              Cluster c = byId.get(id);
              if (c != null && c.state() != state) {
                problems.add(
                    "states move along the transition table: the last state change of "
                        + c.name()
                        + " was to "
                        + state
                        + " but its record is "
                        + c.state());
              }
            });
      }
    }

    // 4: every operation ends
    for (Cluster c : records) {
      if (!c.operation().orElse("").isEmpty()) {
        problems.add(
            "every operation ends: "
                + c.name()
                + " ("
                + c.state()
                + ") still names"
                + " operation "
                + c.operation().orElse(""));
      }
      for (Operation o : store.operations(c.id()).join()) {
        if (o.state() == OperationState.RUNNING || o.state() == OperationState.PENDING) {
          problems.add(
              "every operation ends: operation "
                  + o.id()
                  + " ("
                  + o.type()
                  + ") of "
                  + c.name()
                  + " is "
                  + o.state()
                  + "; the record is "
                  + brief(c));
        }
      }
    }

    // 5: node ids are never reused within a cluster
    for (Cluster c : records) {
      Model m = models.computeIfAbsent(c.id(), id -> new Model(id, c.name()));
      Set<String> now = ids(c);
      for (Node n : c.nodes()) {
        String expectedId = c.name() + "-" + n.role() + "-" + n.index();
        int last = c.lastIndex().getOrDefault(n.role(), 0);
        if (!n.id().equals(expectedId) || n.index() < 1 || n.index() > last) {
          problems.add(
              "node ids: "
                  + n.id()
                  + " of "
                  + c.name()
                  + " has index "
                  + n.index()
                  + " (last index of "
                  + n.role()
                  + ": "
                  + last
                  + ")");
        }
        if (m.gone.contains(n.id())) {
          problems.add(
              "node ids are never reused: " + n.id() + " left " + c.name() + " and is back");
        }
      }
      c.lastIndex()
          .forEach(
              (role, index) -> {
                Integer before = m.lastIndex.put(role, index);
                if (before != null && before > index) {
                  problems.add(
                      "node ids are never reused: the last index of "
                          + c.name()
                          + "/"
                          + role
                          + " went back from "
                          + before
                          + " to "
                          + index);
                }
              });
      for (String id : m.seen) {
        if (!now.contains(id)) {
          m.gone.add(id);
        }
      }
      m.seen.addAll(now);
    }

    if (!problems.isEmpty()) {
      throw new AssertionError(
          problems.size()
              + " invariant(s) broken:\n  "
              + String.join("\n  ", problems)
              + "\n"
              + history());
    }
  }

  /**
   * Invariants 6–9 for a cluster that is neither DONE nor FAILED_* and has no operation under way:
   * no node of it is in doubt.
   */
  private void checkIdle(Cluster c, List<String> problems) {
    Model m = models.computeIfAbsent(c.id(), id -> new Model(id, c.name()));
    m.strays.retainAll(
        c.nodes().stream()
            .filter(n -> n.state() == NodeState.STOPPED && c.state() == ClusterState.RUNNING)
            .map(Node::id)
            .collect(Collectors.toSet()));
    Map<String, NodeResource> byNode = new HashMap<>();
    provider.resources(c.id()).forEach(r -> byNode.put(r.ref().nodeId(), r));
    for (Node n : c.nodes()) {
      NodeResource r = byNode.get(n.id());
      // 6: a RUNNING cluster runs every node; a STOPPED one keeps every node's resource, stopped
      if (c.state() == ClusterState.RUNNING || c.state() == ClusterState.STOPPED) {
        boolean stray = m.strays.contains(n.id());
        boolean running = c.state() == ClusterState.RUNNING && !stray;
        NodeState want = running ? NodeState.RUNNING : NodeState.STOPPED;
        if (n.state() != want) {
          problems.add(
              "nodes follow their cluster: "
                  + c.name()
                  + " is "
                  + c.state()
                  + " but "
                  + n.id()
                  + " is "
                  + n.state()
                  + "; cluster "
                  + brief(c));
        }
        if (r == null) {
          problems.add(
              "nodes follow their cluster: "
                  + c.name()
                  + " is "
                  + c.state()
                  + " but the provider has no resource for "
                  + n.id()
                  + "; cluster "
                  + brief(c));
        } else if (r.running() != running) {
          problems.add(
              "nodes follow their cluster: "
                  + c.name()
                  + " is "
                  + c.state()
                  + " but the resource of "
                  + n.id()
                  + " is "
                  + (r.running() ? "running" : "stopped")
                  + "; cluster "
                  + brief(c));
        }
      }
      // 7: the record's size and image of a node are the provider's
      if (r != null
          && !m.sizesInDoubt
          && (!Size.of(r).equals(Size.of(n))
              || !r.image().orElse("").equals(n.image().orElse("")))) {
        problems.add(
            "records match resources: "
                + c.name()
                + " records "
                + n.id()
                + " as "
                + Size.of(n)
                + " image '"
                + n.image().orElse("")
                + "' but the provider has "
                + Size.of(r)
                + " image '"
                + r.image().orElse("")
                + "'");
      }
      // 8: every node runs the version of the cluster's spec
      if (!m.mixedVersions && !n.version().orElse("").equals(c.spec().version())) {
        problems.add(
            "one version: "
                + c.name()
                + " ("
                + c.state()
                + ") is on version "
                + c.spec().version()
                + " but "
                + n.id()
                + " runs "
                + n.version().orElse(""));
      }
      // 9: every node has its role's size
      c.spec()
          .role(n.role())
          .filter(x -> !m.mixedSizes)
          .map(Size::of)
          .filter(size -> !size.equals(Size.of(n)))
          .ifPresent(
              size ->
                  problems.add(
                      "nodes have their role's size: "
                          + n.id()
                          + " of "
                          + c.name()
                          + " is "
                          + Size.of(n)
                          + " but role "
                          + n.role()
                          + " of version "
                          + c.spec().version()
                          + " says "
                          + size));
    }
  }

  /**
   * Whether the operation's journal holds an entry for the run's step written no later than the run
   * started (the clock stands still within one engine and moves on at every crash).
   */
  private boolean journaledWhenStarted(io.clusterlifecycle.testkit.CommandRun run) {
    int slash = run.runKey().indexOf('/');
    String opId = run.runKey().substring(0, slash);
    String stepId = run.runKey().substring(slash + 1);
    return store.journal(opId).join().stream()
        .anyMatch(e -> e.stepId().equals(stepId) && !e.at().isAfter(run.startedAt()));
  }

  /**
   * Tells whether an operation run on a cluster ended CANCELLED (a FAILED_ cluster keeps what its
   * finally stage would have removed until recover runs it, also after a later failure).
   */
  private boolean lastCancelled(Cluster c) {
    return store.operations(c.id()).join().stream()
        .anyMatch(o -> c.history().contains(o.id()) && o.state() == OperationState.CANCELLED);
  }

  /**
   * Invariant 11: for each run key ({@code <operation-id>/<step-id>}), no two runs the executor
   * received — from any engine, the dead ones' included — were going at once: their {@code [start,
   * end)} intervals, a run still going being open, do not intersect.
   */
  private void checkNoOverlap(List<String> problems) {
    Map<String, List<io.clusterlifecycle.testkit.CommandRun>> byKey = new TreeMap<>();
    for (io.clusterlifecycle.testkit.CommandRun r : commands.runs()) {
      if (!r.runKey().isEmpty()) {
        byKey.computeIfAbsent(r.runKey(), k -> new ArrayList<>()).add(r);
      }
    }
    byKey.forEach(
        (key, runs) -> {
          for (int i = 0; i < runs.size(); i++) {
            for (int j = i + 1; j < runs.size(); j++) {
              io.clusterlifecycle.testkit.CommandRun a = runs.get(i);
              io.clusterlifecycle.testkit.CommandRun b = runs.get(j);
              if (a.overlaps(b) && tolerateUnjournaledRuns && !journaledWhenStarted(a)) {
                unjournaledOverlaps.add(key + " #" + a.startSeq() + " and #" + b.startSeq());
              } else if (a.overlaps(b)) {
                problems.add(
                    "no step ever runs twice at once: "
                        + key
                        + " ("
                        + a.service()
                        + " on "
                        + a.nodeId()
                        + ") ran as #"
                        + a.startSeq()
                        + "–"
                        + (a.ended() ? a.endSeq() + " " + a.state() : "still going")
                        + " and as #"
                        + b.startSeq()
                        + "–"
                        + (b.ended() ? b.endSeq() + " " + b.state() : "still going"));
              }
            }
          }
        });
  }

  // ---------------------------------------------------------------- reporting

  void note(String line) {
    log.add(line);
  }

  String history() {
    StringBuilder s =
        new StringBuilder("what happened (simulator seed " + seed + ", " + crashes + " crashes):");
    for (int i = 0; i < log.size(); i++) {
      s.append("\n  ").append(i + 1).append(". ").append(log.get(i));
    }
    s.append("\nrecords now:");
    for (Cluster c : store.list().join()) {
      s.append("\n  ").append(c.name()).append(" (").append(c.id()).append("): ").append(brief(c));
    }
    s.append("\nfaults injected: ");
    Map<FaultKind, Long> all = new EnumMap<>(FaultKind.class);
    for (FaultKind k : FaultKind.values()) {
      all.put(k, totalFaults(k));
    }
    s.append(all);
    if (!unjournaledOverlaps.isEmpty()) {
      s.append("\noverlapping runs of steps never journaled (tolerated): ")
          .append(unjournaledOverlaps);
    }
    if (refusalsRecordedCancelled > 0) {
      s.append("\nrefusals recorded CANCELLED by a cancel that raced them: ")
          .append(refusalsRecordedCancelled);
    }
    if (blockedCancels > 0) {
      s.append("\ncancels that blocked and were asked again: ").append(blockedCancels);
    }
    return s.toString();
  }

  @Override
  public void close() {
    for (Generation g : generations) {
      g.engine().close();
    }
    callers.shutdownNow();
    scheduler.shutdownNow();
  }
}
