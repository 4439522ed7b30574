package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.state.NodeAction;
import io.clusterlifecycle.testkit.ResourceCall.Method;
import io.clusterlifecycle.testkit.ResourceCall.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link ResourceProvider} that keeps nodes in memory, for tests: it honours the SPI contract
 * (idempotent by node id, asynchronous, lists by cluster) and lets a test program faults and
 * latency and inspect every call.
 *
 * <p>Resources: {@link #create} gives a new node the next address of {@code 10.0.0.1}, {@code
 * 10.0.0.2}, … {@code 10.0.0.254}, {@code 10.0.1.1}, … and the next instance id of {@code i-1},
 * {@code i-2}, …; neither is ever handed out twice. A node with a volume size above zero gets the
 * volume id {@code vol-<node-id>}. The resource carries the spec's tags plus the {@link
 * NodeSpec#TAG_CLUSTER}, {@link NodeSpec#TAG_ROLE} and {@link NodeSpec#TAG_NODE} tags, and starts
 * running. {@link #create} of an existing node completes with the stored resource unchanged
 * (recorded as {@link Outcome#NO_OP}); {@link #delete} of a missing node completes normally. {@link
 * #delete} with {@code keepVolume} keeps the node's volume (see {@link #keptVolumes()}) and
 * completes with its id; a later {@link #create} of the same node re-attaches it. {@link #start},
 * {@link #stop}, {@link #resize} and {@link #replaceImage} of a missing node complete exceptionally
 * with {@link NotFoundException}; {@link #resize} refuses to shrink a volume with {@link
 * IllegalArgumentException}, as real block storage does.
 *
 * <p>Actions: {@link #act} supports every provider action of {@link NodeAction}. Suspend, power off
 * and undeploy mark the instance not running, resume running again; snapshots are names kept per
 * node ({@link #snapshots}, {@link #diskSnapshots}): creating one that exists, or reverting or
 * deleting one that does not, fails with {@link IllegalArgumentException} or {@link
 * NotFoundException}; disk snapshots need a volume.
 *
 * <p>Timing: with no latency (the default) every stage is complete when the method returns, and the
 * change is visible at once. With a {@linkplain #latency(Duration) latency}, the call is recorded
 * at once, and its work is done and its stage completed on the injected scheduler after the
 * latency; no thread sleeps. A fault is chosen when the call is made and delivered when it
 * completes. A call's record is finished before its stage completes, so code that observes the
 * completion also sees the record as ended.
 *
 * <p>Thread-safe: all methods may be called from any thread; state changes are atomic per call.
 * {@link #close()} does nothing; the injected scheduler belongs to the caller.
 */
public final class InMemoryResourceProvider implements ResourceProvider {
  private static final int HOSTS_PER_SUBNET = 254;
  private static final int MAX_ADDRESSES = 256 * HOSTS_PER_SUBNET;

  private final Clock clock;
  private final ScheduledExecutorService scheduler;

  private final Object lock = new Object();
  // guarded by lock
  private final Map<NodeRef, NodeResource> nodes = new HashMap<>();
  private final Map<NodeRef, java.util.Set<String>> snapshots = new HashMap<>();
  private final Map<NodeRef, java.util.Set<String>> diskSnapshots = new HashMap<>();
  private final SortedSet<String> keptVolumes = new TreeSet<>();
  private int addressesHandedOut;
  private long instancesHandedOut;
  private final List<CallEntry> calls = new ArrayList<>();

  private final AtomicLong callSeq = new AtomicLong();
  private final Map<Method, Faults<NodeRef>> faults = new EnumMap<>(Method.class);
  private final Map<Method, Duration> latencies =
      Collections.synchronizedMap(new EnumMap<>(Method.class));
  private volatile Duration defaultLatency = Duration.ZERO;

  private final java.util.OptionalInt maxNodes;
  private final boolean newAddressOnStart;

  private InMemoryResourceProvider(Builder builder) {
    this.maxNodes = builder.maxNodes;
    this.newAddressOnStart = builder.newAddressOnStart;
    this.clock = builder.clock;
    this.scheduler = builder.scheduler;
    for (Method m : Method.values()) {
      faults.put(m, new Faults<>());
    }
  }

  /** The capacity set with {@link Builder#maxNodes(int)}, or empty. */
  @Override
  public java.util.OptionalInt maxNodes() {
    return maxNodes;
  }

  /**
   * Starts a builder: system UTC clock, no scheduler (so no latency).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- SPI

  /**
   * Creates the node's resource, or completes with the existing one unchanged.
   *
   * @param node what to create
   * @return the created or already existing resource, running
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<NodeResource> create(NodeSpec node) {
    Objects.requireNonNull(node, "node");
    return call(
        Method.CREATE,
        node.ref(),
        () -> {
          synchronized (lock) {
            NodeResource existing = nodes.get(node.ref());
            if (existing != null) {
              return new Done<>(Outcome.NO_OP, existing);
            }
            NodeResource created = newResource(node);
            nodes.put(node.ref(), created);
            created.volumeId().ifPresent(keptVolumes::remove);
            return new Done<>(Outcome.DONE, created);
          }
        });
  }

  /**
   * Looks the node's resource up.
   *
   * @param node the node
   * @return the resource, or empty when it does not exist
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<Optional<NodeResource>> find(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return call(
        Method.FIND,
        node,
        () -> {
          synchronized (lock) {
            NodeResource r = nodes.get(node);
            return new Done<>(r == null ? Outcome.NOT_FOUND : Outcome.DONE, Optional.ofNullable(r));
          }
        });
  }

  /**
   * Lists the resources of a cluster. Programmed faults never apply to this method.
   *
   * @param clusterId the cluster
   * @return the resources whose node is in that cluster, by node id
   * @throws NullPointerException if {@code clusterId} is null
   */
  @Override
  public CompletableFuture<List<NodeResource>> list(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return call(
        Method.LIST,
        new NodeRef(clusterId, ""),
        () -> new Done<>(Outcome.DONE, resources(clusterId)));
  }

  /**
   * {@inheritDoc}
   *
   * @return every provider action of {@link NodeAction}
   */
  @Override
  public java.util.Set<NodeAction> actions() {
    return NodeAction.providerActions();
  }

  /**
   * Carries out a provider action as described in the class comment.
   *
   * @param node the node
   * @param action a provider action
   * @param snapshot the snapshot name for the snapshot actions
   * @return the resource after the action; fails with {@link NotFoundException} when the node or
   *     the snapshot does not exist, {@link IllegalArgumentException} for a snapshot that exists
   *     already or a disk snapshot of a node without a volume
   */
  @Override
  public CompletableFuture<NodeResource> act(NodeRef node, NodeAction action, String snapshot) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(snapshot, "snapshot");
    return call(
        Method.ACT,
        node,
        () -> {
          synchronized (lock) {
            NodeResource r = existing(node);
            NodeResource changed =
                switch (action) {
                  case SUSPEND, POWEROFF, POWEROFF_HARD, UNDEPLOY, UNDEPLOY_HARD ->
                      r.toBuilder().running(false).build();
                  case RESUME -> r.toBuilder().running(true).build();
                  case SNAPSHOT_CREATE, SNAPSHOT_REVERT, SNAPSHOT_DELETE -> {
                    snapshot(snapshots, node, action.name(), snapshot);
                    yield r;
                  }
                  case DISK_SNAPSHOT_CREATE, DISK_SNAPSHOT_REVERT, DISK_SNAPSHOT_DELETE -> {
                    if (r.volumeSize() == 0) {
                      throw new IllegalArgumentException(
                          "node " + node.nodeId() + " has no volume to snapshot");
                    }
                    snapshot(diskSnapshots, node, action.name(), snapshot);
                    yield r;
                  }
                  default ->
                      throw new UnsupportedOperationException(
                          action.label() + " is not a provider action");
                };
            nodes.put(node, changed);
            return new Done<>(Outcome.DONE, changed);
          }
        });
  }

  private static void snapshot(
      Map<NodeRef, java.util.Set<String>> kept, NodeRef node, String action, String name) {
    java.util.Set<String> names = kept.computeIfAbsent(node, k -> new java.util.TreeSet<>());
    if (action.endsWith("CREATE")) {
      if (!names.add(name)) {
        throw new IllegalArgumentException(
            "node " + node.nodeId() + " has a snapshot named " + name + " already");
      }
    } else if (!names.contains(name)) {
      throw new NotFoundException("node " + node.nodeId() + " has no snapshot named " + name);
    } else if (action.endsWith("DELETE")) {
      names.remove(name);
    }
  }

  /**
   * The names of a node's snapshots.
   *
   * @param node the node
   * @return the names, sorted
   */
  public java.util.Set<String> snapshots(NodeRef node) {
    synchronized (lock) {
      return java.util.Set.copyOf(snapshots.getOrDefault(node, java.util.Set.of()));
    }
  }

  /**
   * The names of a node's volume snapshots.
   *
   * @param node the node
   * @return the names
   */
  public java.util.Set<String> diskSnapshots(NodeRef node) {
    synchronized (lock) {
      return java.util.Set.copyOf(diskSnapshots.getOrDefault(node, java.util.Set.of()));
    }
  }

  /**
   * Marks the node running; a running node is left as it is ({@link Outcome#NO_OP}).
   *
   * @param node the node
   * @return the resource, running; fails with {@link NotFoundException} when it does not exist
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<NodeResource> start(NodeRef node) {
    return setRunning(Method.START, node, true);
  }

  /**
   * Marks the node stopped; a stopped node is left as it is ({@link Outcome#NO_OP}).
   *
   * @param node the node
   * @return the resource, stopped; fails with {@link NotFoundException} when it does not exist
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<NodeResource> stop(NodeRef node) {
    return setRunning(Method.STOP, node, false);
  }

  /**
   * Sets the node's cpu and memory and its volume size (a node without a volume keeps none).
   *
   * @param node the node
   * @param cpu the new core count
   * @param memory the new memory, MiB
   * @param volumeSize the new volume size, GiB; ignored when the node has no volume
   * @return the resized resource; fails with {@link NotFoundException} when the node does not
   *     exist, and with {@link IllegalArgumentException} when {@code volumeSize} is smaller than
   *     the current size of an existing volume
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    Objects.requireNonNull(node, "node");
    return call(
        Method.RESIZE,
        node,
        () -> {
          synchronized (lock) {
            NodeResource r = existing(node);
            if (r.volumeSize() > 0 && volumeSize < r.volumeSize()) {
              throw new IllegalArgumentException(
                  "cannot shrink the volume of node "
                      + node.nodeId()
                      + " from "
                      + r.volumeSize()
                      + " GiB to "
                      + volumeSize
                      + " GiB");
            }
            NodeResource resized =
                r.toBuilder()
                    .cpu(cpu)
                    .memory(memory)
                    .volumeSize(r.volumeSize() > 0 ? volumeSize : 0)
                    .build();
            nodes.put(node, resized);
            return new Done<>(Outcome.DONE, resized);
          }
        });
  }

  /**
   * Sets the node's image, keeping its instance id, address and volume.
   *
   * @param node the node
   * @param image the new image
   * @return the resource with its new image; fails with {@link NotFoundException} when the node
   *     does not exist
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<NodeResource> replaceImage(NodeRef node, String image) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(image, "image");
    return call(
        Method.REPLACE_IMAGE,
        node,
        () -> {
          synchronized (lock) {
            NodeResource r = existing(node);
            NodeResource replaced = r.toBuilder().image(image).build();
            nodes.put(node, replaced);
            return new Done<>(Outcome.DONE, replaced);
          }
        });
  }

  /**
   * Deletes the node's resource; a missing node completes normally ({@link Outcome#NO_OP}).
   *
   * @param node the node
   * @param keepVolume true to keep the node's volume
   * @return {@code vol-<node-id>} when a volume was kept (also when a repeated delete finds it
   *     already kept), otherwise empty
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    Objects.requireNonNull(node, "node");
    return call(
        Method.DELETE,
        node,
        () -> {
          synchronized (lock) {
            NodeResource r = nodes.remove(node);
            if (r == null) {
              String volumeId = volumeId(node);
              boolean kept = keepVolume && keptVolumes.contains(volumeId);
              return new Done<>(Outcome.NO_OP, kept ? Optional.of(volumeId) : Optional.empty());
            }
            if (keepVolume && r.volumeSize() > 0) {
              r.volumeId().ifPresent(keptVolumes::add);
              return new Done<>(Outcome.DONE, r.volumeId());
            }
            return new Done<>(Outcome.DONE, Optional.<String>empty());
          }
        });
  }

  // ---------------------------------------------------------------- faults and latency

  /**
   * Makes {@link #create} of one node fail with {@code error}.
   *
   * @param nodeId the node id, in any cluster
   * @param error the error the stage completes with
   * @return the fault, to limit with {@link Fault#times(int)} or to remove
   * @throws NullPointerException if an argument is null
   */
  public Fault failCreate(String nodeId, Throwable error) {
    return fail(Method.CREATE, byNodeId(nodeId), error);
  }

  /**
   * Makes {@link #create} of the matching nodes fail with {@code error}.
   *
   * @param which which nodes; called on the calling thread, must not throw
   * @param error the error the stage completes with
   * @return the fault, to limit with {@link Fault#times(int)} or to remove
   * @throws NullPointerException if an argument is null
   */
  public Fault failCreate(Predicate<NodeRef> which, Throwable error) {
    return fail(Method.CREATE, which, error);
  }

  /**
   * Makes {@link #delete} of one node fail with {@code error}.
   *
   * @param nodeId the node id, in any cluster
   * @param error the error the stage completes with
   * @return the fault, to limit with {@link Fault#times(int)} or to remove
   * @throws NullPointerException if an argument is null
   */
  public Fault failDelete(String nodeId, Throwable error) {
    return fail(Method.DELETE, byNodeId(nodeId), error);
  }

  /**
   * Makes {@link #delete} of the matching nodes fail with {@code error}.
   *
   * @param which which nodes; called on the calling thread, must not throw
   * @param error the error the stage completes with
   * @return the fault, to limit with {@link Fault#times(int)} or to remove
   * @throws NullPointerException if an argument is null
   */
  public Fault failDelete(Predicate<NodeRef> which, Throwable error) {
    return fail(Method.DELETE, which, error);
  }

  /**
   * Makes calls of any per-node method on the matching nodes fail with {@code error}. The failing
   * call changes nothing; it is recorded as {@link Outcome#FAILED}.
   *
   * @param method the method; not {@link Method#LIST}
   * @param which which nodes; called on the calling thread, must not throw
   * @param error the error the stage completes with, for example a {@link
   *     io.clusterlifecycle.api.spi.TransientSpiException} to ask for a retry
   * @return the fault, to limit with {@link Fault#times(int)} or to remove
   * @throws IllegalArgumentException if {@code method} is {@link Method#LIST}
   * @throws NullPointerException if an argument is null
   */
  public Fault fail(Method method, Predicate<NodeRef> which, Throwable error) {
    Objects.requireNonNull(method, "method");
    if (method == Method.LIST) {
      throw new IllegalArgumentException("faults apply to per-node methods, not to LIST");
    }
    return faults.get(method).add(which, error);
  }

  /** Removes every programmed fault. */
  public void clearFaults() {
    faults.values().forEach(Faults::clear);
  }

  /**
   * Sets the latency of every method that has no latency of its own; applies to calls made after
   * this returns.
   *
   * @param latency how long each call takes; {@link Duration#ZERO} completes calls at once
   * @return this provider
   * @throws IllegalArgumentException if {@code latency} is negative
   * @throws IllegalStateException if {@code latency} is positive and no scheduler was given
   */
  public InMemoryResourceProvider latency(Duration latency) {
    defaultLatency = checkLatency(latency);
    return this;
  }

  /**
   * Sets the latency of one method; applies to calls made after this returns.
   *
   * @param method the method
   * @param latency how long each call takes; {@link Duration#ZERO} completes calls at once
   * @return this provider
   * @throws IllegalArgumentException if {@code latency} is negative
   * @throws IllegalStateException if {@code latency} is positive and no scheduler was given
   */
  public InMemoryResourceProvider latency(Method method, Duration latency) {
    Objects.requireNonNull(method, "method");
    latencies.put(method, checkLatency(latency));
    return this;
  }

  // ---------------------------------------------------------------- inspection

  /**
   * Returns every call made so far, in the order they were made.
   *
   * @return a snapshot; calls still waiting on their latency are {@link Outcome#IN_FLIGHT}
   */
  public List<ResourceCall> calls() {
    synchronized (lock) {
      return calls.stream().map(CallEntry::toRecord).toList();
    }
  }

  /**
   * Returns the calls of one method, in the order they were made.
   *
   * @param method the method
   * @return a snapshot
   */
  public List<ResourceCall> calls(Method method) {
    Objects.requireNonNull(method, "method");
    return calls().stream().filter(c -> c.method() == method).toList();
  }

  /**
   * Counts the calls of one method on one node, whatever their outcome.
   *
   * @param method the method
   * @param nodeId the node id, in any cluster
   * @return the number of calls
   */
  public int callCount(Method method, String nodeId) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(nodeId, "nodeId");
    synchronized (lock) {
      return (int)
          calls.stream().filter(c -> c.method == method && c.nodeId.equals(nodeId)).count();
    }
  }

  /**
   * Counts the {@link #create} calls for one node, including no-ops and failures.
   *
   * @param nodeId the node id, in any cluster
   * @return the number of calls
   */
  public int createCount(String nodeId) {
    return callCount(Method.CREATE, nodeId);
  }

  /**
   * Counts the {@link #delete} calls for one node, including no-ops and failures.
   *
   * @param nodeId the node id, in any cluster
   * @return the number of calls
   */
  public int deleteCount(String nodeId) {
    return callCount(Method.DELETE, nodeId);
  }

  /**
   * Returns the resources of one cluster now, without recording a call.
   *
   * @param clusterId the cluster id
   * @return the resources, by node id
   */
  public List<NodeResource> resources(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    synchronized (lock) {
      return nodes.values().stream()
          .filter(r -> r.ref().clusterId().equals(clusterId))
          .sorted(Comparator.comparing(r -> r.ref().nodeId()))
          .toList();
    }
  }

  /**
   * Looks one resource up now, without recording a call.
   *
   * @param node the node
   * @return the resource, or empty
   */
  public Optional<NodeResource> resource(NodeRef node) {
    Objects.requireNonNull(node, "node");
    synchronized (lock) {
      return Optional.ofNullable(nodes.get(node));
    }
  }

  /**
   * Returns the ids of the volumes kept by deletes and not re-attached since.
   *
   * @return a sorted snapshot
   */
  public SortedSet<String> keptVolumes() {
    synchronized (lock) {
      return Collections.unmodifiableSortedSet(new TreeSet<>(keptVolumes));
    }
  }

  /**
   * Creates a resource directly, as if someone other than the engine had (a leak for reconcile to
   * find); records no call and ignores faults and latency. An existing node is left as it is.
   *
   * @param node what to create
   * @return the created or existing resource
   */
  public NodeResource addUntracked(NodeSpec node) {
    Objects.requireNonNull(node, "node");
    synchronized (lock) {
      return nodes.computeIfAbsent(node.ref(), ref -> newResource(node));
    }
  }

  /**
   * Removes a resource directly, as if the machine had been lost; records no call. Its volume is
   * not kept.
   *
   * @param node the node
   * @return true when there was such a resource
   */
  public boolean removeUntracked(NodeRef node) {
    Objects.requireNonNull(node, "node");
    synchronized (lock) {
      return nodes.remove(node) != null;
    }
  }

  // ---------------------------------------------------------------- internals

  private CompletableFuture<NodeResource> setRunning(Method method, NodeRef node, boolean run) {
    Objects.requireNonNull(node, "node");
    return call(
        method,
        node,
        () -> {
          synchronized (lock) {
            NodeResource r = existing(node);
            if (r.running() == run) {
              return new Done<>(Outcome.NO_OP, r);
            }
            NodeResource changed = r.toBuilder().running(run).build();
            if (run && newAddressOnStart) {
              changed = changed.toBuilder().address(nextAddress()).build();
            }
            nodes.put(node, changed);
            return new Done<>(Outcome.DONE, changed);
          }
        });
  }

  /** Records the call, then does {@code work} now or after the method's latency. */
  private <T> CompletableFuture<T> call(Method method, NodeRef ref, Supplier<Done<T>> work) {
    CallEntry entry =
        new CallEntry(
            callSeq.incrementAndGet(), method, ref.clusterId(), ref.nodeId(), clock.instant());
    synchronized (lock) {
      calls.add(entry);
    }
    Optional<Throwable> fault =
        method == Method.LIST ? Optional.empty() : faults.get(method).match(ref);
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable complete =
        () -> {
          if (fault.isPresent()) {
            entry.end(Outcome.FAILED, clock.instant(), fault.get());
            result.completeExceptionally(fault.get());
            return;
          }
          Done<T> done;
          try {
            done = work.get();
          } catch (NotFoundException e) {
            entry.end(Outcome.NOT_FOUND, clock.instant(), e);
            result.completeExceptionally(e);
            return;
          } catch (RuntimeException e) {
            entry.end(Outcome.FAILED, clock.instant(), e);
            result.completeExceptionally(e);
            return;
          }
          entry.end(done.outcome(), clock.instant(), null);
          result.complete(done.value());
        };
    Duration latency = latencies.getOrDefault(method, defaultLatency);
    if (latency.isZero()) {
      complete.run();
    } else {
      try {
        scheduler.schedule(complete, latency.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        entry.end(Outcome.FAILED, clock.instant(), e);
        result.completeExceptionally(e);
      }
    }
    return result;
  }

  private NodeResource existing(NodeRef node) {
    NodeResource r = nodes.get(node);
    if (r == null) {
      throw new NotFoundException(
          "node "
              + node.nodeId()
              + " of cluster "
              + node.clusterId()
              + " has no resource in the in-memory provider");
    }
    return r;
  }

  private String nextAddress() {
    if (addressesHandedOut >= MAX_ADDRESSES) {
      throw new IllegalStateException("the in-memory provider ran out of addresses in 10.0.0.0/16");
    }
    int k = addressesHandedOut++;
    return "10.0." + (k / HOSTS_PER_SUBNET) + "." + (k % HOSTS_PER_SUBNET + 1);
  }

  /** Builds a resource for a new node, handing out the next address and instance id. */
  private NodeResource newResource(NodeSpec node) {
    String address = nextAddress();
    String instanceId = "i-" + (++instancesHandedOut);
    Map<String, String> tags = new LinkedHashMap<>(node.tags());
    tags.put(NodeSpec.TAG_CLUSTER, node.ref().clusterId());
    tags.put(NodeSpec.TAG_ROLE, node.role());
    tags.put(NodeSpec.TAG_NODE, node.ref().nodeId());
    int volumeSize = Math.max(0, node.volumeSize());
    return NodeResource.builder()
        .ref(node.ref())
        .role(node.role())
        .instanceId(instanceId)
        .address(address)
        .cpu(node.cpu())
        .memory(node.memory())
        .volumeSize(volumeSize)
        .volumeId(volumeSize > 0 ? Optional.of(volumeId(node.ref())) : Optional.empty())
        .image(node.image())
        .running(true)
        .tags(tags)
        .build();
  }

  private static String volumeId(NodeRef node) {
    return "vol-" + node.nodeId();
  }

  private static Predicate<NodeRef> byNodeId(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    return ref -> ref.nodeId().equals(nodeId);
  }

  private Duration checkLatency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + latency);
    }
    if (!latency.isZero() && scheduler == null) {
      throw new IllegalStateException(
          "a latency needs a scheduler: build the provider with builder().scheduler(...)");
    }
    return latency;
  }

  private record Done<T>(Outcome outcome, T value) {}

  /** The mutable record of one call; its end is written once. */
  private static final class CallEntry {
    final long seq;
    final Method method;
    final String clusterId;
    final String nodeId;
    final Instant startedAt;
    private volatile Instant endedAt;
    private volatile Outcome outcome = Outcome.IN_FLIGHT;
    private volatile String error = "";

    CallEntry(long seq, Method method, String clusterId, String nodeId, Instant startedAt) {
      this.seq = seq;
      this.method = method;
      this.clusterId = clusterId;
      this.nodeId = nodeId;
      this.startedAt = startedAt;
    }

    synchronized void end(Outcome how, Instant at, Throwable failure) {
      this.error = failure == null ? "" : String.valueOf(failure.getMessage());
      this.endedAt = at;
      this.outcome = how;
    }

    synchronized ResourceCall toRecord() {
      return new ResourceCall(
          seq, method, clusterId, nodeId, startedAt, Optional.ofNullable(endedAt), outcome, error);
    }
  }

  /**
   * Builds an {@link InMemoryResourceProvider}; not thread-safe. Defaults: {@link
   * Clock#systemUTC()}, no scheduler.
   */
  public static final class Builder {
    private java.util.OptionalInt maxNodes = java.util.OptionalInt.empty();
    private boolean newAddressOnStart;
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;

    private Builder() {}

    /**
     * Sets the clock that stamps the recorded calls.
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
     * Makes every start of a stopped node give it the next free address, as a provider that
     * recreates the instance (a pod) does. Default: a node keeps its address.
     *
     * @param value true to hand out a new address on start
     * @return this builder
     */
    public Builder newAddressOnStart(boolean value) {
      this.newAddressOnStart = value;
      return this;
    }

    /**
     * Sets the capacity the provider states through {@link #maxNodes()}; it does not refuse creates
     * beyond it (the engine is expected to). Default: none stated.
     *
     * @param value the most nodes, {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code value < 1}
     */
    public Builder maxNodes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxNodes must be >= 1, was " + value);
      }
      this.maxNodes = java.util.OptionalInt.of(value);
      return this;
    }

    /**
     * Sets the scheduler that completes calls after their latency; required for latency. The
     * provider never shuts it down.
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
     * Builds the provider, with no resources, faults or latency.
     *
     * @return the provider
     */
    public InMemoryResourceProvider build() {
      return new InMemoryResourceProvider(this);
    }
  }
}
