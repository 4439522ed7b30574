package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs service commands on hosts over SSH (Apache MINA SSHD): the {@link CommandExecutor} for VMs
 * and bare-metal machines (docs/ssh.md, docs/design.md §9.3).
 *
 * <p>Each command runs in a new exec channel of one pooled, key-authenticated session per host. The
 * command line the host receives is always the same fixed wrapper ({@code bash -c '<run.sh>'}); the
 * node directory, the request's environment, the node's metadata and the script travel on the
 * channel's standard input as NUL-terminated fields, which the wrapper reads with {@code read -r -d
 * ''} and never evaluates. The wrapper creates and enters the node's directory ({@link
 * SshTarget#directory()}), writes {@code metadata.json} there when the executor has a metadata
 * store (and sets {@link CommandRequest#LC_METADATA} to its absolute path unless the request sets
 * it), then starts {@code bash -c <script>} with {@code setsid} (its own session and process
 * group), standard input from {@code /dev/null}, the login environment without inherited {@code
 * LC_*} variables of {@link CommandRequest} plus the request's environment, and standard output and
 * error in {@code logs/<service>.<time>.<token>.out} and {@code .err} in the node directory (kept).
 * It records the group's id in {@code runs/<run-key-hash>.<token>.pid} until the command ends, then
 * sends back the output tails; the result carries their last {@link CommandResult#MAX_TAIL}
 * characters and the command's exit code.
 *
 * <p>Timeout and cancel: the executor opens a second channel running a fixed kill script that sends
 * SIGTERM to the command's process group, SIGKILL after the kill grace, and waits until no process
 * of the group is left; a timed-out command is reported with {@link CommandResult#timedOut()} and
 * {@link CommandResult#TIMEOUT_EXIT_CODE}. {@link #fence} does the same for every run with the run
 * key on the node, whichever executor started it, reading the pid files; a run whose first process
 * already ended is left alone with whatever it left behind.
 *
 * <p>Failures: a host that cannot be reached or a channel the host refuses (nothing started) fail
 * the stage with {@link TransientSpiException}, which the engine retries; a refused host key or
 * login key with {@link SshAccessException}; a connection lost once the command was sent with a
 * {@link LifecycleException} saying it may still be running (the engine fences before running it
 * again); a request with a NUL character or an environment name that is not a shell identifier with
 * {@link IllegalArgumentException}. Thread-safe.
 */
public final class SshCommandExecutor implements CommandExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(SshCommandExecutor.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SshExecutorSettings settings;
  private final ExecutorService io;
  private final ScheduledExecutorService scheduler;
  private final Sessions sessions;
  private final Set<RemoteRun> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  SshCommandExecutor(SshExecutorSettings settings) {
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.io =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "lifecycle-ssh-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lifecycle-ssh-timer");
              t.setDaemon(true);
              return t;
            });
    this.sessions =
        new Sessions(
            new HostKeyVerifier(settings.hostKeyCheck, settings.knownHosts, settings.pins),
            settings.identity,
            settings.connectTimeout,
            io);
  }

  /**
   * Starts configuring an executor.
   *
   * @return a builder with the documented defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * <p>The returned future is the one to cancel: cancelling it kills the command on the host.
   *
   * @throws NullPointerException if {@code request} is null
   */
  @Override
  public CompletableFuture<CommandResult> run(CommandRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<CommandResult> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new IllegalStateException("the SSH executor is closed"));
      return result;
    }
    RemoteRun run;
    try {
      SshTarget target = settings.targets.resolve(request.node());
      run = new RemoteRun(request, target, token(), keyHash(request.runKey()), result);
      checkRequest(request);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return result;
    }
    running.add(run);
    result.whenComplete(
        (r, e) -> {
          running.remove(run);
          if (result.isCancelled()) {
            kill(run, "cancelled");
          }
        });
    metadata(request)
        .thenCompose(
            meta -> {
              byte[] input = RemoteScripts.frame(runFields(run, meta));
              return sessions.session(run.target).thenAcceptAsync(s -> start(run, s, input), io);
            })
        .exceptionally(
            e -> {
              result.completeExceptionally(unwrap(e));
              return null;
            });
    return result;
  }

  private void start(RemoteRun run, ClientSession session, byte[] input) {
    if (run.result.isDone()) {
      return;
    }
    ChannelExec channel;
    try {
      run.started = System.nanoTime();
      channel =
          Channels.open(
              session, RemoteScripts.RUN, input, run.out, run.err, settings.connectTimeout);
    } catch (IOException | RuntimeException e) {
      throw new TransientSpiException(
          "cannot open a channel to "
              + run.target.display()
              + " for "
              + run.request.service()
              + " on node "
              + run.nodeId()
              + " (nothing ran): "
              + Sessions.describe(e),
          e);
    }
    run.channel = channel;
    LOG.debug("started {} on node {} ({})", run.request.service(), run.nodeId(), run.token);
    run.timer =
        scheduler.schedule(
            () -> {
              if (run.timedOut.compareAndSet(false, true)) {
                kill(run, "timed out after " + run.request.timeout());
              }
            },
            nanos(run.request.timeout()),
            TimeUnit.NANOSECONDS);
    Channels.closed(channel)
        .thenAcceptAsync(
            status -> {
              LOG.debug(
                  "{} on node {} ended: exit status {}",
                  run.request.service(),
                  run.nodeId(),
                  status);
              run.finish(status);
            },
            io);
    if (run.result.isDone()) {
      kill(run, "cancelled");
    }
  }

  /** Sends the kill script for one run, once; closes the run's channel afterwards. */
  private void kill(RemoteRun run, String why) {
    if (!run.killed.compareAndSet(false, true)) {
      return;
    }
    LOG.debug("killing {} on node {}: {}", run.request.service(), run.nodeId(), why);
    remoteKill(run.target, run.keyHash, run.token)
        .whenComplete(
            (status, e) -> {
              if (e != null || status == null || status != 0) {
                LOG.warn(
                    "could not make sure {} on node {} ({}) was killed: {}",
                    run.request.service(),
                    run.nodeId(),
                    why,
                    e != null ? Sessions.describe(unwrap(e)) : "kill exited with " + status);
              }
              ChannelExec ch = run.channel;
              if (ch != null && run.result.isDone()) {
                ch.close(false);
              }
              run.killDone.complete(null);
            });
  }

  /**
   * {@inheritDoc}
   *
   * <p>This executor's own runs with the key on the node complete as cancelled; then a fixed kill
   * script on the host kills every run whose pid file carries the key's hash.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<Void> fence(NodeResource node, String runKey) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(runKey, "runKey");
    CompletableFuture<Void> done = new CompletableFuture<>();
    SshTarget target;
    try {
      if (runKey.isEmpty()) {
        throw new IllegalArgumentException("fence needs a run key, got an empty one");
      }
      target = settings.targets.resolve(node);
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      return done;
    }
    List<CompletableFuture<Void>> local = new ArrayList<>();
    for (RemoteRun run : List.copyOf(running)) {
      if (run.request.runKey().equals(runKey) && run.nodeId().equals(node.ref().nodeId())) {
        run.result.cancel(true);
        local.add(run.killDone);
      }
    }
    remoteKill(target, keyHash(runKey), "*")
        .thenCombine(
            CompletableFuture.allOf(local.toArray(CompletableFuture[]::new)), (status, v) -> status)
        .whenComplete(
            (status, e) -> {
              if (e != null) {
                done.completeExceptionally(unwrap(e));
              } else if (status == null || status != 0) {
                done.completeExceptionally(
                    new LifecycleException(
                        "cannot prove that run "
                            + runKey
                            + " on node "
                            + node.ref().nodeId()
                            + " ("
                            + target.display()
                            + ") is gone: the kill script "
                            + (status == null ? "lost its connection" : "exited with " + status)));
              } else {
                done.complete(null);
              }
            });
    return done;
  }

  /** Runs the kill script; completes with its exit status (null: the connection broke). */
  private CompletableFuture<Integer> remoteKill(SshTarget target, String keyHash, String token) {
    long graceTenths = Math.max(1, settings.killGrace.toMillis() / 100);
    long waitTenths = Math.max(1, settings.killWait.toMillis() / 100);
    byte[] input =
        RemoteScripts.frame(
            List.of(
                RemoteScripts.VERSION,
                target.directory(),
                keyHash,
                token,
                String.valueOf(graceTenths),
                String.valueOf(waitTenths)));
    TailBuffer err = new TailBuffer(0);
    return sessions
        .session(target)
        .thenApplyAsync(
            s -> {
              try {
                return Channels.open(
                    s, RemoteScripts.KILL, input, new TailBuffer(0), err, settings.connectTimeout);
              } catch (IOException e) {
                throw new TransientSpiException(
                    "cannot open a channel to " + target.display() + " to kill a run: " + e, e);
              }
            },
            io)
        .thenCompose(Channels::closed)
        .thenApply(
            status -> {
              if (status != null && status != 0) {
                LOG.warn("kill on {} exited with {}: {}", target.display(), status, err.tail());
              }
              return status;
            });
  }

  private CompletableFuture<String> metadata(CommandRequest request) {
    if (settings.metadataStore == null) {
      return CompletableFuture.completedFuture(null);
    }
    String prefix = settings.metadataRoot + "/" + request.node().ref().clusterId();
    return settings
        .metadataStore
        .get(prefix)
        .toCompletableFuture()
        .thenApply(keys -> MetadataJson.of(keys, prefix));
  }

  private static List<String> runFields(RemoteRun run, String metadata) {
    List<String> fields = new ArrayList<>();
    fields.add(RemoteScripts.VERSION);
    fields.add(run.target.directory());
    fields.add(run.token);
    fields.add(run.keyHash);
    fields.add(logName(run.request.service()));
    fields.add(metadata == null ? "0" : "1");
    fields.add(metadata == null ? "" : metadata);
    Map<String, String> env = run.request.environment();
    fields.add(String.valueOf(env.size()));
    env.forEach(
        (k, v) -> {
          fields.add(k);
          fields.add(v);
        });
    fields.add(run.request.script());
    return fields;
  }

  private static void checkRequest(CommandRequest request) {
    for (Map.Entry<String, String> e : request.environment().entrySet()) {
      if (!NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException(
            "environment variable name '"
                + e.getKey().replaceAll("\\p{Cntrl}", "?")
                + "' is not a shell identifier ([A-Za-z_][A-Za-z0-9_]*)");
      }
      if (e.getValue().indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "the value of " + e.getKey() + " holds a NUL character, which no process can receive");
      }
    }
    if (request.script().indexOf('\0') >= 0) {
      throw new IllegalArgumentException("the script holds a NUL character, which bash cannot run");
    }
  }

  private static String logName(String service) {
    String s = service.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "_" + s : s.length() > 64 ? s.substring(0, 64) : s;
  }

  private static String token() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The run key as a file-name part: 32 hex digits of its SHA-256, {@code -} for none. */
  static String keyHash(String runKey) {
    if (runKey.isEmpty()) {
      return "-";
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(runKey.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long nanos(Duration d) {
    try {
      return Math.max(0, d.toNanos());
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Kills the commands still running (their futures fail with {@link LifecycleException}), waits a
   * few seconds for the kills, closes the sessions and stops the threads; idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<CompletableFuture<Void>> kills = new ArrayList<>();
    for (RemoteRun run : List.copyOf(running)) {
      if (run.result.isDone()) {
        continue;
      }
      run.result.completeExceptionally(
          new LifecycleException(
              "command "
                  + run.request.service()
                  + " on node "
                  + run.nodeId()
                  + " was killed: the SSH executor was closed"));
      kill(run, "executor closed");
      kills.add(run.killDone);
    }
    try {
      CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new))
          .get(settings.killWait.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      LOG.warn(
          "closing the SSH executor: not every running command was confirmed killed: {}",
          e.toString());
    }
    LOG.debug("closing sessions");
    sessions.close();
    LOG.debug("closed sessions");
    scheduler.shutdownNow();
    io.shutdownNow();
  }

  /**
   * Configures an {@link SshCommandExecutor}; not thread-safe. Every setting has a default except
   * the login key, which either the executor ({@link #identity}) or every target ({@link
   * SshTarget#identity()}) must give.
   */
  public static final class Builder {
    /** How long connecting, logging in and opening a channel may take, unless set. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** How long a killed command has between SIGTERM and SIGKILL, unless set. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofMillis(500);

    /** How long a kill waits, after SIGKILL, for the command's processes to be gone, unless set. */
    public static final Duration DEFAULT_KILL_WAIT = Duration.ofSeconds(20);

    /** The node directories' parent on each host for the default targets, unless set. */
    public static final String DEFAULT_NODE_DIRECTORY = ".lifecycle/nodes";

    /** The metadata tree's root, as the engine's default {@code metadataRoot}. */
    public static final String DEFAULT_METADATA_ROOT = "/clusters";

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    Optional<Path> identity = Optional.empty();
    Path knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    HostKeyCheck hostKeyCheck = HostKeyCheck.STRICT;
    final Set<String> pins = new LinkedHashSet<>();
    private SshTargets targets;
    private String user = System.getProperty("user.name");
    private int port = SshTarget.DEFAULT_PORT;
    private String nodeDirectory = DEFAULT_NODE_DIRECTORY;
    MetadataStore metadataStore;
    String metadataRoot = DEFAULT_METADATA_ROOT;
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    Duration killGrace = DEFAULT_KILL_GRACE;
    Duration killWait = DEFAULT_KILL_WAIT;

    Builder() {}

    /**
     * Sets the private key file the executor logs in with (an unencrypted OpenSSH or PEM key); a
     * target's own key takes precedence. Read on first use.
     *
     * @param value the key file
     * @return this builder
     */
    public Builder identity(Path value) {
      this.identity = Optional.of(Objects.requireNonNull(value, "identity"));
      return this;
    }

    /**
     * Sets the known-hosts file ({@link HostKeyCheck#STRICT}, {@link HostKeyCheck#ACCEPT_NEW}); the
     * default is {@code ~/.ssh/known_hosts}.
     *
     * @param value the file, in OpenSSH's format (hashed names allowed)
     * @return this builder
     */
    public Builder knownHosts(Path value) {
      this.knownHosts = Objects.requireNonNull(value, "knownHosts");
      return this;
    }

    /**
     * Sets how host keys are checked; the default is {@link HostKeyCheck#STRICT}.
     *
     * @param value the policy
     * @return this builder
     */
    public Builder hostKeyCheck(HostKeyCheck value) {
      this.hostKeyCheck = Objects.requireNonNull(value, "hostKeyCheck");
      return this;
    }

    /**
     * Pins a host key for {@link HostKeyCheck#PINNED}.
     *
     * @param key a {@code SHA256:} fingerprint as {@code ssh-keygen -lf} prints it, or a public key
     *     line ({@code ecdsa-sha2-nistp256 AAAA... comment})
     * @return this builder
     * @throws IllegalArgumentException if it is neither
     */
    public Builder pinHostKey(String key) {
      Objects.requireNonNull(key, "key");
      String k = key.strip();
      if (k.startsWith("SHA256:")) {
        pins.add(k);
        return this;
      }
      try {
        PublicKey parsed =
            PublicKeyEntry.parsePublicKeyEntry(k)
                .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        pins.add(KeyUtils.getFingerPrint(parsed));
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new IllegalArgumentException(
            "a pinned host key must be a SHA256: fingerprint or a public key line: " + e, e);
      }
      return this;
    }

    /**
     * Sets the login user of the default targets; the default is this JVM's user.
     *
     * @param value the user
     * @return this builder
     */
    public Builder user(String value) {
      this.user = Objects.requireNonNull(value, "user");
      return this;
    }

    /**
     * Sets the SSH port of the default targets; the default is {@value SshTarget#DEFAULT_PORT}.
     *
     * @param value 1 to 65535
     * @return this builder
     */
    public Builder port(int value) {
      if (value < 1 || value > 65535) {
        throw new IllegalArgumentException("SSH port must be 1 to 65535, was " + value);
      }
      this.port = value;
      return this;
    }

    /**
     * Sets the directory under which the default targets put each node's directory ({@code
     * <value>/<node-id>}); the default is {@value #DEFAULT_NODE_DIRECTORY}, relative to the login
     * directory.
     *
     * @param value absolute, or relative to the login directory
     * @return this builder
     */
    public Builder nodeDirectory(String value) {
      this.nodeDirectory = Objects.requireNonNull(value, "nodeDirectory");
      return this;
    }

    /**
     * Sets where nodes' commands run, replacing the default targets (the node's address, the
     * builder's user and port, {@code <nodeDirectory>/<node-id>}).
     *
     * @param value the resolver, such as {@link StaticInventoryProvider#targets()}
     * @return this builder
     */
    public Builder targets(SshTargets value) {
      this.targets = Objects.requireNonNull(value, "targets");
      return this;
    }

    /**
     * Makes every run write the node's {@code metadata.json} (the cluster's subtree under {@code
     * root}, as the local executor's) and set {@link CommandRequest#LC_METADATA}; without it no
     * file is written and the variable is not set.
     *
     * @param store the engine's metadata store
     * @param root the engine's {@code metadataRoot}, such as {@value #DEFAULT_METADATA_ROOT}
     * @return this builder
     */
    public Builder metadata(MetadataStore store, String root) {
      this.metadataStore = Objects.requireNonNull(store, "store");
      Objects.requireNonNull(root, "root");
      if (!root.startsWith("/")) {
        throw new IllegalArgumentException("the metadata root must be an absolute path: " + root);
      }
      this.metadataRoot =
          root.length() > 1 && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
      return this;
    }

    /**
     * Sets how long connecting, logging in and opening a channel may take.
     *
     * @param value positive
     * @return this builder
     */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive(value, "connectTimeout");
      return this;
    }

    /**
     * Sets how long a killed command has between SIGTERM and SIGKILL.
     *
     * @param value positive
     * @return this builder
     */
    public Builder killGrace(Duration value) {
      this.killGrace = positive(value, "killGrace");
      return this;
    }

    /**
     * Sets how long a kill or fence waits, after SIGKILL, for the processes to be gone before it
     * gives up (a fence then fails).
     *
     * @param value positive
     * @return this builder
     */
    public Builder killWait(Duration value) {
      this.killWait = positive(value, "killWait");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    /**
     * Builds and starts the executor (its SSH client and threads); connections are made on first
     * use.
     *
     * @return the executor; close it
     * @throws IllegalStateException if {@link HostKeyCheck#PINNED} has no pinned key, or keys are
     *     pinned for another check
     */
    public SshCommandExecutor build() {
      if (hostKeyCheck == HostKeyCheck.PINNED && pins.isEmpty()) {
        throw new IllegalStateException("host key check PINNED needs at least one pinHostKey(...)");
      }
      if (hostKeyCheck != HostKeyCheck.PINNED && !pins.isEmpty()) {
        throw new IllegalStateException(
            "pinned host keys are used only with hostKeyCheck(PINNED), not " + hostKeyCheck);
      }
      SshTargets t = targets;
      if (t == null) {
        String u = user;
        int p = port;
        String dir = nodeDirectory;
        t =
            node -> {
              String id = node.ref().nodeId();
              if (!NODE_ID.matcher(id).matches() || id.contains("..")) {
                throw new IllegalArgumentException(
                    "node id '" + id + "' is not usable as a directory name");
              }
              if (node.address().isBlank()) {
                throw new IllegalArgumentException(
                    "node " + id + " has no address to connect to over SSH");
              }
              return SshTarget.builder()
                  .host(node.address())
                  .port(p)
                  .user(u)
                  .directory(dir + "/" + id)
                  .build();
            };
      }
      return new SshCommandExecutor(new SshExecutorSettings(this, t));
    }
  }
}
