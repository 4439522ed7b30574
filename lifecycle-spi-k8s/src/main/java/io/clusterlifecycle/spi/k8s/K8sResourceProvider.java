package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ResourceProvider} whose nodes are pods in one Kubernetes namespace (docs/design.md
 * §9.2).
 *
 * <p>A node is a Pod named by its node id, with the labels {@link K8sLabels} lists, requests and
 * limits for its cpu and memory, and, when it has a volume, a PVC of its own ({@code
 * <node-id>-data}) mounted at the role's mount point. Every cluster has one headless Service, the
 * pods' subdomain, so every pod has a stable DNS name ({@link K8sManifests#address(String,
 * String)}). Beside the pod, a ConfigMap {@code lc-node.<node-id>} records the node (sizes, image,
 * tags, stopped or not, and the IP its pod had when it was stopped), so that a stopped node, which
 * has no pod, still exists for {@link #find} and {@link #list}. {@link K8sManifests} writes all
 * these objects.
 *
 * <p>Addresses ({@link K8sPodSettings#addresses()}): by default a node's address is its pod's IP,
 * so {@link #start}, and {@link #resize} and {@link #replaceImage} of a running node, which create
 * a new pod, report a new address, and the engine republishes {@code /hosts} and runs {@code
 * reload} (docs/design.md §5.7); a stopped node reports the IP its last pod had. With {@link
 * K8sAddresses#DNS_NAME} the address is the pod's DNS name and never changes.
 *
 * <p>Per operation: {@link #create} is idempotent by node id (it reads before it creates, and a 409
 * for an object carrying the node's cluster label counts as created; an object of another cluster
 * fails the stage with {@link K8sApiException}) and completes when the pod is Ready, learnt from an
 * informer, never by polling; a pod that is {@code Unschedulable}, cannot pull its image or keeps
 * crashing fails it with {@link PodStartFailedException}, and a later create (recover) deletes that
 * pod and creates it again. {@link #stop} deletes the pod and keeps the PVC and the record; {@link
 * #start} creates the pod again. {@link #resize} grows the PVC by a patch (the API server refuses
 * it when the storage class does not allow expansion) and recreates the pod when cpu or memory
 * change; {@link #replaceImage} recreates the pod with the new image on the same PVC. {@link
 * #delete} removes the pod, the record, the PVC unless kept, and the Service with the cluster's
 * last node. {@link #list} selects records and pods by the cluster label. 429, 5xx and lost
 * connections fail with {@link io.clusterlifecycle.api.spi.TransientSpiException}, other refusals
 * with {@link K8sApiException}.
 *
 * <p>Threads: the client's blocking calls run on a small pool of the provider's; waiting for pods
 * holds no thread. Thread-safe. Build one with {@link #builder()}.
 */
public final class K8sResourceProvider implements ResourceProvider {
  private static final Logger LOG = LoggerFactory.getLogger(K8sResourceProvider.class);

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String namespace;
  private final K8sManifests manifests;
  private final NodeObjects objects;
  private final K8sCalls calls;
  private final ScheduledExecutorService scheduler;
  private final PodTracker tracker;
  private final PodLifecycle pods;
  private final AtomicBoolean closed = new AtomicBoolean();

  private K8sResourceProvider(Builder b) {
    this.ownsClient = b.client == null;
    this.client = b.client != null ? b.client : b.connection.open();
    this.namespace =
        b.namespace != null
            ? b.namespace
            : Optional.ofNullable(client.getNamespace()).orElse("default");
    this.manifests = K8sManifests.of(b.pods, namespace);
    this.objects = new NodeObjects(client, namespace, manifests, b.deleteGracePeriod);
    this.calls = new K8sCalls(b.ioThreads);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lifecycle-k8s-timer");
              t.setDaemon(true);
              return t;
            });
    this.tracker =
        new PodTracker(
            client,
            namespace,
            scheduler,
            new PodTracker.Timing(b.readyTimeout, b.podRecheck),
            calls.executor());
    this.pods = new PodLifecycle(objects, calls, tracker, manifests, namespace, b.pods.addresses());
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the manifests this provider creates its objects from, for dry runs.
   *
   * @return the manifests, in this provider's namespace
   */
  public K8sManifests manifests() {
    return manifests;
  }

  /**
   * Returns the namespace the provider works in.
   *
   * @return the namespace
   */
  public String namespace() {
    return namespace;
  }

  @Override
  public CompletionStage<NodeResource> create(NodeSpec node) {
    Objects.requireNonNull(node, "node");
    NodeState want = NodeState.of(node);
    String what = "create node " + node.ref().nodeId();
    return calls
        .async(
            what,
            () -> {
              Names.pod(want.nodeId());
              Optional<NodeState> existing = objects.state(want.ref());
              NodeState state = existing.orElse(want);
              if (existing.isEmpty()) {
                objects.requireFree(want);
                objects.ensureService(state);
                if (state.volumeSize() > 0) {
                  objects.createPvc(state);
                }
                state = objects.createRecord(state);
              } else if (objects.record(want.ref()).isEmpty()) {
                objects.createRecord(state);
              }
              return state;
            })
        .thenCompose(
            state -> state.stopped() ? pods.stopped(state, what) : pods.ensureRunning(state, what));
  }

  @Override
  public CompletionStage<Optional<NodeResource>> find(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return calls.async(
        "find node " + node.nodeId(),
        () -> {
          Optional<ConfigMap> record = objects.recordObject(node);
          Optional<Pod> pod = objects.pod(node);
          return record
              .flatMap(NodeObjects::stateOf)
              .or(() -> pod.flatMap(NodeObjects::stateOf))
              .map(
                  s ->
                      pods.resource(
                          s,
                          pod,
                          record.flatMap(NodeObjects::lastPodIp),
                          pod.filter(tracker::isReady).isPresent()));
        });
  }

  @Override
  public CompletionStage<List<NodeResource>> list(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return calls.async(
        "list nodes of cluster " + clusterId,
        () -> {
          Map<String, NodeState> states = new TreeMap<>();
          Map<String, Pod> podsById = new TreeMap<>();
          Map<String, String> lastPodIps = new TreeMap<>();
          for (Pod p : objects.pods(clusterId)) {
            NodeObjects.stateOf(p)
                .filter(s -> s.clusterId().equals(clusterId))
                .ifPresent(
                    s -> {
                      states.put(s.nodeId(), s);
                      podsById.put(s.nodeId(), p);
                    });
          }
          for (ConfigMap cm : objects.records(clusterId)) {
            NodeObjects.stateOf(cm)
                .filter(s -> s.clusterId().equals(clusterId))
                .ifPresent(
                    s -> {
                      states.put(s.nodeId(), s);
                      NodeObjects.lastPodIp(cm).ifPresent(ip -> lastPodIps.put(s.nodeId(), ip));
                    });
          }
          List<NodeResource> out = new ArrayList<>();
          states.forEach(
              (id, s) -> {
                Optional<Pod> pod = Optional.ofNullable(podsById.get(id));
                out.add(
                    pods.resource(
                        s,
                        pod,
                        Optional.ofNullable(lastPodIps.get(id)),
                        pod.filter(tracker::isReady).isPresent() && !s.stopped()));
              });
          out.sort(Comparator.comparing(r -> r.ref().nodeId()));
          return out;
        });
  }

  @Override
  public CompletionStage<NodeResource> start(NodeRef node) {
    Objects.requireNonNull(node, "node");
    String what = "start node " + node.nodeId();
    return calls
        .async(
            what,
            () -> {
              NodeState state = objects.require(node, what);
              if (state.stopped()) {
                state = state.withStopped(false);
                objects.putRecord(state);
              }
              return state;
            })
        .thenCompose(state -> pods.ensureRunning(state, what));
  }

  @Override
  public CompletionStage<NodeResource> stop(NodeRef node) {
    Objects.requireNonNull(node, "node");
    String what = "stop node " + node.nodeId();
    return calls
        .async(
            what,
            () -> {
              NodeState state = objects.require(node, what).withStopped(true);
              Optional<String> ip =
                  objects.putRecord(state, objects.pod(node).flatMap(NodeObjects::podIp));
              objects.deletePod(node.nodeId());
              return pods.resource(state, Optional.empty(), ip, false);
            })
        .thenCompose(
            stopped -> tracker.awaitGone(Names.pod(node.nodeId())).thenApply(v -> stopped));
  }

  @Override
  public CompletionStage<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    Objects.requireNonNull(node, "node");
    String what = "resize node " + node.nodeId();
    return calls
        .async(
            what,
            () -> {
              NodeState state = objects.require(node, what);
              int volume = state.volumeSize() == 0 ? 0 : volumeSize;
              if (volume < state.volumeSize()) {
                throw new IllegalArgumentException(
                    what
                        + ": a volume cannot shrink, from "
                        + state.volumeSize()
                        + " GiB to "
                        + volume);
              }
              if (volume > state.volumeSize()) {
                objects.growPvc(node.nodeId(), volume);
              }
              NodeState next = state.withSizes(cpu, memory, volume);
              objects.putRecord(next);
              return next;
            })
        .thenCompose(next -> next.stopped() ? pods.stopped(next, what) : pods.recreate(next, what));
  }

  @Override
  public CompletionStage<NodeResource> replaceImage(NodeRef node, String image) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(image, "image");
    String what = "replace the image of node " + node.nodeId();
    return calls
        .async(
            what,
            () -> {
              NodeState next = objects.require(node, what).withImage(image);
              objects.putRecord(next);
              return next;
            })
        .thenCompose(next -> next.stopped() ? pods.stopped(next, what) : pods.recreate(next, what));
  }

  @Override
  public CompletionStage<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    Objects.requireNonNull(node, "node");
    String what = "delete node " + node.nodeId();
    return calls
        .async(
            what,
            () -> {
              Optional<NodeState> state = objects.state(node);
              state.ifPresent(s -> objects.deletePod(s.nodeId()));
              return state;
            })
        .thenCompose(
            state ->
                state.isEmpty()
                    ? CompletableFuture.completedFuture(state)
                    : tracker.awaitGone(Names.pod(node.nodeId())).thenApply(v -> state))
        .thenCompose(
            state ->
                calls.async(
                    what,
                    () -> {
                      if (state.isEmpty()) {
                        return Optional.<String>empty();
                      }
                      NodeState s = state.get();
                      Optional<String> kept = Optional.empty();
                      if (s.volumeSize() > 0) {
                        if (keepVolume) {
                          kept = Optional.of(Names.pvc(s.nodeId()));
                        } else {
                          objects.deletePvc(s.nodeId());
                        }
                      }
                      objects.deleteRecord(s.nodeId());
                      objects.deleteServiceIfLast(s);
                      LOG.info(
                          "deleted node {} of cluster {} in namespace {}{}",
                          s.nodeId(),
                          s.clusterId(),
                          namespace,
                          kept.map(v -> ", kept PVC " + v).orElse(""));
                      return kept;
                    }));
  }

  /**
   * Stops the pod informer and the provider's threads, and closes the client if the provider opened
   * it. Stages still pending fail. May be called again.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    tracker.close();
    calls.close();
    scheduler.shutdownNow();
    if (ownsClient) {
      client.close();
    }
  }

  /** Builds a {@link K8sResourceProvider}; not thread-safe. */
  public static final class Builder {
    /** How long a pod may take to become Ready or to go away, unless configured otherwise. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofMinutes(10);

    /** How long a deleted pod has to stop, unless configured otherwise. */
    public static final Duration DEFAULT_DELETE_GRACE_PERIOD = Duration.ofSeconds(30);

    /** How often pending pod waits are checked against a listing, unless configured otherwise. */
    public static final Duration DEFAULT_POD_RECHECK = Duration.ofSeconds(30);

    /** How many threads make the client's blocking calls, unless configured otherwise. */
    public static final int DEFAULT_IO_THREADS = 8;

    private KubernetesClient client;
    private K8sConnection connection = K8sConnection.ofDefaults();
    private String namespace;
    private K8sPodSettings pods = K8sPodSettings.ofDefaults();
    private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
    private Duration deleteGracePeriod = DEFAULT_DELETE_GRACE_PERIOD;
    private Duration podRecheck = DEFAULT_POD_RECHECK;
    private int ioThreads = DEFAULT_IO_THREADS;

    private Builder() {}

    /**
     * Uses a client the caller owns (and closes) instead of opening one.
     *
     * @param value the client
     * @return this builder
     */
    public Builder client(KubernetesClient value) {
      this.client = Objects.requireNonNull(value, "client");
      return this;
    }

    /**
     * Opens a client from a kubeconfig and context; the provider closes it. Default: {@link
     * K8sConnection#ofDefaults()}. Ignored when {@link #client} is set.
     *
     * @param value where the API server is
     * @return this builder
     */
    public Builder connection(K8sConnection value) {
      this.connection = Objects.requireNonNull(value, "connection");
      return this;
    }

    /**
     * Sets the namespace the pods live in. Default: the client's namespace, else {@code default}.
     *
     * @param value the namespace
     * @return this builder
     */
    public Builder namespace(String value) {
      this.namespace = Objects.requireNonNull(value, "namespace");
      return this;
    }

    /**
     * Sets how pods, PVCs and the Service are written.
     *
     * @param value the settings; default {@link K8sPodSettings#ofDefaults()}
     * @return this builder
     */
    public Builder pods(K8sPodSettings value) {
      this.pods = Objects.requireNonNull(value, "pods");
      return this;
    }

    /**
     * Sets how long a pod may take to become Ready (or, when deleted, to go away) before the step
     * fails with {@link PodStartFailedException} ({@code ReadyTimeout}).
     *
     * @param value positive; default {@link #DEFAULT_READY_TIMEOUT}
     * @return this builder
     */
    public Builder readyTimeout(Duration value) {
      this.readyTimeout = positive(value, "readyTimeout");
      return this;
    }

    /**
     * Sets how often, while the provider waits for pods to become Ready or to go away, it lists the
     * namespace's pods once and checks the waits against that listing, and starts its pod informer
     * again if it stopped. Waits rely on the informer's events; this bounds how long one lost event
     * (a watch that stopped, or stayed open while delivering nothing) delays a step.
     *
     * @param value positive; default {@link #DEFAULT_POD_RECHECK}
     * @return this builder
     */
    public Builder podRecheck(Duration value) {
      this.podRecheck = positive(value, "podRecheck");
      return this;
    }

    /**
     * Sets the grace period of the pods the provider deletes (stop, resize, upgrade, delete).
     *
     * @param value not negative; default {@link #DEFAULT_DELETE_GRACE_PERIOD}
     * @return this builder
     */
    public Builder deleteGracePeriod(Duration value) {
      Objects.requireNonNull(value, "deleteGracePeriod");
      if (value.isNegative()) {
        throw new IllegalArgumentException("deleteGracePeriod must not be negative, was " + value);
      }
      this.deleteGracePeriod = value;
      return this;
    }

    /**
     * Sets how many threads make the client's blocking calls.
     *
     * @param value at least 1; default {@link #DEFAULT_IO_THREADS}
     * @return this builder
     */
    public Builder ioThreads(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("ioThreads must be at least 1, was " + value);
      }
      this.ioThreads = value;
      return this;
    }

    /**
     * Builds the provider and starts its pod informer.
     *
     * @return the provider
     * @throws io.fabric8.kubernetes.client.KubernetesClientException if no client was given and the
     *     connection cannot be opened
     */
    public K8sResourceProvider build() {
      return new K8sResourceProvider(this);
    }

    private static Duration positive(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
      return value;
    }
  }
}
