package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.NodeResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link CommandExecutor} that runs service commands in a node's pod by exec (docs/design.md
 * §9.3).
 *
 * <p>A command runs as an argument vector, {@code env -u ... -- K=V ... bash -c <wrapper>
 * lifecycle-exec <script>}: the script reaches {@code bash -c} exactly as written and every
 * variable of the request is an argument of its own, never spliced into a shell string ({@link
 * ExecScript}). {@code LC_*} variables the request does not set are removed from the container's
 * environment. When the executor was given a {@link MetadataStore}, {@link
 * CommandRequest#LC_METADATA} names {@code <run-dir>/metadata.json} (unless the request sets it),
 * which holds the node's cluster subtree as nested JSON, read from the store when the command
 * starts. The command runs in the container's working directory, or in {@link
 * Builder#workingDirectory} when set.
 *
 * <p>The exit code comes from exec's status channel; the result carries the last {@link
 * CommandResult#MAX_TAIL} characters of standard output and error. On timeout, and when the
 * returned future is cancelled, a second exec sends SIGTERM to the command's process group (its
 * children included), then SIGKILL after the kill grace; a timed-out run reports exit code {@link
 * CommandResult#TIMEOUT_EXIT_CODE}. The stage fails with {@link
 * io.clusterlifecycle.api.spi.TransientSpiException} when the API server cannot be reached or
 * answers 429 or 5xx, and with {@link K8sApiException} when it refuses the exec (403, a missing
 * pod).
 *
 * <p>Threads: opening an exec blocks the client for the WebSocket handshake, so it runs on a small
 * pool of the executor's; waiting for a command holds no thread. Thread-safe. Build one with {@link
 * #builder()}.
 */
public final class K8sCommandExecutor implements CommandExecutor {
  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String namespace;
  private final String container;
  private final String runDirectory;
  private final Optional<String> workingDirectory;
  private final Duration killGrace;
  private final Optional<MetadataStore> metadata;
  private final String metadataRoot;
  private final K8sCalls calls;
  private final ScheduledExecutorService scheduler;
  private final Set<ExecRun> runs = ConcurrentHashMap.newKeySet();
  private final ExecTarget target;
  private final AtomicBoolean closed = new AtomicBoolean();

  private K8sCommandExecutor(Builder b) {
    this.ownsClient = b.client == null;
    this.client = b.client != null ? b.client : b.connection.open();
    this.namespace =
        b.namespace != null
            ? b.namespace
            : Optional.ofNullable(client.getNamespace()).orElse("default");
    this.container = b.container;
    this.runDirectory = b.runDirectory;
    this.workingDirectory = Optional.ofNullable(b.workingDirectory);
    this.killGrace = b.killGrace;
    this.metadata = Optional.ofNullable(b.metadata);
    this.metadataRoot = b.metadataRoot;
    this.calls = new K8sCalls(b.ioThreads);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lifecycle-k8s-exec-timer");
              t.setDaemon(true);
              return t;
            });
    this.target =
        new ExecTarget(
            client,
            namespace,
            container,
            runDirectory,
            workingDirectory,
            killGrace,
            metadata,
            metadataRoot,
            calls,
            scheduler,
            runs);
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
   * Runs one command in the node's pod. The returned future is the one to cancel: cancelling it
   * kills the command's process group.
   *
   * @param request the node, script, environment and timeout
   * @return the command's result
   * @throws NullPointerException if {@code request} is null
   */
  @Override
  public CompletableFuture<CommandResult> run(CommandRequest request) {
    Objects.requireNonNull(request, "request");
    ExecRun run = new ExecRun(target, request);
    if (closed.get()) {
      run.result.completeExceptionally(new LifecycleException("the command executor is closed"));
      return run.result;
    }
    runs.add(run);
    run.start();
    return run.result;
  }

  /**
   * Kills the runs with {@code runKey} on the node (docs/design.md §5.8): this executor's own
   * (their futures complete as cancelled) and any another instance started (an engine that
   * crashed), which the wrapper's files in the run directory name; completes once their process
   * groups are gone. The kill is a second exec, as for a timeout; the stage fails with {@link
   * LifecycleException} when a group is still alive 20 s after SIGKILL, and with {@link
   * io.clusterlifecycle.api.spi.TransientSpiException} when the API server cannot be reached.
   *
   * @param node the node the runs are on
   * @param runKey the runs' key; an empty key fences nothing
   * @return completes when no run with that key is alive on the node
   */
  @Override
  public CompletableFuture<Void> fence(NodeResource node, String runKey) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(runKey, "runKey");
    if (runKey.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    for (ExecRun run : List.copyOf(runs)) {
      if (run.request.runKey().equals(runKey) && run.request.node().ref().equals(node.ref())) {
        run.result.cancel(true);
      }
    }
    String pod = Names.pod(node.ref().nodeId());
    return calls
        .async(
            "fence run " + runKey + " in pod " + pod,
            () ->
                client
                    .pods()
                    .inNamespace(namespace)
                    .withName(pod)
                    .inContainer(container)
                    .writingOutput(OutputStream.nullOutputStream())
                    .writingError(OutputStream.nullOutputStream())
                    .exec(ExecScript.fence(runDirectory, runKey, killGrace).toArray(String[]::new)))
        .thenCompose(w -> w.exitCode().whenComplete((code, e) -> w.close()))
        .thenApply(
            code -> {
              if (code == null || code != 0) {
                throw new LifecycleException(
                    "fence run "
                        + runKey
                        + " in pod "
                        + pod
                        + ": a process group of it is still alive (exit "
                        + code
                        + ")");
              }
              return null;
            });
  }

  /**
   * Kills every command still running (best effort) and fails its stage, stops the executor's
   * threads and closes the client if the executor opened it. May be called again.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ExecRun run : List.copyOf(runs)) {
      if (run.result.completeExceptionally(
          new LifecycleException(
              "command "
                  + run.request.service()
                  + " was killed: the command executor was closed"))) {
        run.kill("executor closed");
      }
    }
    calls.close();
    scheduler.shutdownNow();
    if (ownsClient) {
      client.close();
    }
  }

  /** Builds a {@link K8sCommandExecutor}; not thread-safe. */
  public static final class Builder {
    /** The directory in the container for the executor's files, unless configured otherwise. */
    public static final String DEFAULT_RUN_DIRECTORY = "/tmp/lifecycle";

    /** The metadata tree's root, as the engine's default (docs/design.md §4). */
    public static final String DEFAULT_METADATA_ROOT = "/clusters";

    /** How long a killed command has between SIGTERM and SIGKILL, unless configured otherwise. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(1);

    private KubernetesClient client;
    private K8sConnection connection = K8sConnection.ofDefaults();
    private String namespace;
    private String container = K8sPodSettings.DEFAULT_CONTAINER;
    private String runDirectory = DEFAULT_RUN_DIRECTORY;
    private String workingDirectory;
    private Duration killGrace = DEFAULT_KILL_GRACE;
    private MetadataStore metadata;
    private String metadataRoot = DEFAULT_METADATA_ROOT;
    private int ioThreads = K8sResourceProvider.Builder.DEFAULT_IO_THREADS;

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
     * Opens a client from a kubeconfig and context; the executor closes it. Default: {@link
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
     * Sets the namespace of the pods. Default: the client's namespace, else {@code default}.
     *
     * @param value the namespace
     * @return this builder
     */
    public Builder namespace(String value) {
      this.namespace = Objects.requireNonNull(value, "namespace");
      return this;
    }

    /**
     * Sets the container commands run in.
     *
     * @param value its name; default {@link K8sPodSettings#DEFAULT_CONTAINER}
     * @return this builder
     */
    public Builder container(String value) {
      this.container = Objects.requireNonNull(value, "container");
      return this;
    }

    /**
     * Sets the directory in the container where the executor keeps its per-run files and the
     * metadata file.
     *
     * @param value an absolute path; default {@link #DEFAULT_RUN_DIRECTORY}
     * @return this builder
     */
    public Builder runDirectory(String value) {
      this.runDirectory = absolute(value, "runDirectory");
      return this;
    }

    /**
     * Sets the directory commands start in. Default: the container's working directory.
     *
     * @param value an absolute path
     * @return this builder
     */
    public Builder workingDirectory(String value) {
      this.workingDirectory = absolute(value, "workingDirectory");
      return this;
    }

    /**
     * Sets how long a killed command has between SIGTERM and SIGKILL (rounded up to seconds).
     *
     * @param value not negative; default {@link #DEFAULT_KILL_GRACE}
     * @return this builder
     */
    public Builder killGrace(Duration value) {
      Objects.requireNonNull(value, "killGrace");
      if (value.isNegative()) {
        throw new IllegalArgumentException("killGrace must not be negative, was " + value);
      }
      this.killGrace = value;
      return this;
    }

    /**
     * Reads each command's metadata from this store: the subtree {@code <root>/<cluster-id>} is
     * written to {@link CommandRequest#LC_METADATA} as the command starts.
     *
     * @param store the store the engine publishes to
     * @param root the engine's metadata root; {@link #DEFAULT_METADATA_ROOT} unless it was changed
     * @return this builder
     */
    public Builder metadata(MetadataStore store, String root) {
      this.metadata = Objects.requireNonNull(store, "store");
      this.metadataRoot = absolute(root, "root");
      return this;
    }

    /**
     * Sets how many threads open execs.
     *
     * @param value at least 1; default {@link K8sResourceProvider.Builder#DEFAULT_IO_THREADS}
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
     * Builds the executor.
     *
     * @return the executor
     */
    public K8sCommandExecutor build() {
      return new K8sCommandExecutor(this);
    }

    private static String absolute(String value, String what) {
      Objects.requireNonNull(value, what);
      if (!value.startsWith("/")) {
        throw new IllegalArgumentException(what + " must be an absolute path, was " + value);
      }
      return value;
    }
  }
}
