package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeResource;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs service commands as local processes in the node directories of a {@link LocalHome}: the
 * embedded default {@link CommandExecutor}.
 *
 * <p>A command runs as the argument vector {@code bash -c <script>}: the script is passed as one
 * argument and nothing is ever spliced into it. Its working directory is the node's directory
 * {@code HOME/nodes/<node-id>/}; its standard input is empty. Its environment is built from nothing
 * (docs/design.md §9.3): the {@linkplain #INHERITED_VARIABLES allow-listed} variables of the host
 * environment ({@code PATH}, {@code LANG}, {@code LANGUAGE}, {@code TZ} and the POSIX locale
 * variables), {@code HOME} set to the node directory, then the request's environment, plus {@link
 * CommandRequest#LC_METADATA} (the absolute path of {@code HOME/nodes/<node-id>/metadata.json})
 * when the request does not set it. Nothing else of the engine's process reaches a command:
 * credentials such as {@code LIFECYCLE_STORE_PASSWORD} or {@code AWS_SECRET_ACCESS_KEY} in the
 * engine's environment are never seen by scripts. The host environment is {@link System#getenv()}
 * unless {@link Builder#hostEnvironment} says otherwise. Standard output and error go to files
 * {@code logs/<service>.<time>.<pid>-<n>.out} and {@code .err} in the node directory, one pair per
 * run, kept after the run; the result carries their last {@link CommandResult#MAX_TAIL} characters.
 *
 * <p><b>Backup artifacts.</b> When the request's environment holds {@link
 * CommandRequest#LC_BACKUP_ARTIFACT}, {@code <backup-id>/<node-id>} (the node whose artifact it is,
 * which for a {@code restore} need not be the node the command runs on), the executor creates the
 * directory {@code HOME/backups/<backup-id>/<node-id>/} if it does not exist and sets {@link
 * CommandRequest#LC_BACKUP_DIR} to its absolute path, replacing any value the request gave: a
 * {@code backup} command writes its artifact there and a {@code restore} command reads it from
 * there. The directories are kept when nodes and clusters are deleted. Each of the two segments
 * must match {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}} and the value must not hold {@code ..};
 * another value fails the stage with {@link IllegalArgumentException} naming it, and no process is
 * started.
 *
 * <p><b>Process groups and fencing.</b> Where {@code setsid} (util-linux) is installed, a command
 * runs as {@code setsid -w bash -c <script>}: in a session and process group of its own, whose id
 * is the shell's process id. A request with a non-empty {@link CommandRequest#runKey()} is recorded
 * in the node directory: a pending record before the process is started, then {@code
 * runs/<key>-<hash>.<pid>.json} (the shell's process id, its start time, which guards against a
 * reused process id, and its process group) once it has; the record is removed once this executor
 * has seen the run end (after a kill: once the forced kill was sent). {@link #fence} reads these
 * records, so it finds the runs of any executor on the home, one in a process that crashed
 * included: when the recorded shell (same start time) is still alive, its process group and
 * descendants get SIGTERM, then SIGKILL after the kill grace, and the fence completes once none of
 * them is alive (a zombie counts as gone), then removes the record. When the shell has ended, the
 * run is over: what it left in the background is a daemon it started on purpose and is not touched.
 * Without {@code setsid} the fence still kills the shell's descendants, but not processes that left
 * its tree. A fence that finds a pending record waits for the process id while the engine that
 * wrote it lives; a run whose engine died between the two writes cannot be found (the fence logs a
 * warning).
 *
 * <p>Guarantees: {@link #run} returns at once; no thread waits on a command (completion comes from
 * {@link Process#onExit()}, timeouts from the scheduler). When the timeout passes, the process and
 * then its descendants are sent SIGTERM (the process first, so that the shell does not go on with
 * its next statement), then SIGKILL after the kill grace, and the result has {@code timedOut =
 * true} and exit code {@link CommandResult#TIMEOUT_EXIT_CODE}; a timeout of zero or less expires at
 * once. Cancelling the returned future kills the process tree the same way. Processes a command
 * leaves running in the background after it exits (daemons started by {@code start}) are not
 * touched. The stage fails with {@link NotFoundException} when the node directory does not exist,
 * with {@link IllegalArgumentException} for a node id that is not usable as a file name or a
 * malformed {@link CommandRequest#LC_BACKUP_ARTIFACT}, and with {@link LifecycleException} when
 * bash cannot be started or {@link #close()} killed the command.
 *
 * <p>Thread-safe.
 */
public final class LocalCommandExecutor implements CommandExecutor {
  /** How long a killed command has between SIGTERM and SIGKILL, unless configured otherwise. */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofMillis(500);

  /**
   * The variables of the host environment that reach commands, when the host sets them: {@code
   * PATH}, {@code LANG}, {@code LANGUAGE}, {@code TZ} and the POSIX locale variables {@code
   * LC_ALL}, {@code LC_CTYPE}, {@code LC_NUMERIC}, {@code LC_TIME}, {@code LC_COLLATE}, {@code
   * LC_MONETARY}, {@code LC_MESSAGES}, {@code LC_PAPER}, {@code LC_NAME}, {@code LC_ADDRESS},
   * {@code LC_TELEPHONE}, {@code LC_MEASUREMENT} and {@code LC_IDENTIFICATION} (docs/design.md
   * §9.3). No other variable of the engine's process is passed on.
   */
  public static final List<String> INHERITED_VARIABLES =
      List.of(
          "PATH",
          "LANG",
          "LANGUAGE",
          "TZ",
          "LC_ALL",
          "LC_CTYPE",
          "LC_NUMERIC",
          "LC_TIME",
          "LC_COLLATE",
          "LC_MONETARY",
          "LC_MESSAGES",
          "LC_PAPER",
          "LC_NAME",
          "LC_ADDRESS",
          "LC_TELEPHONE",
          "LC_MEASUREMENT",
          "LC_IDENTIFICATION");

  private static final Logger LOG = LoggerFactory.getLogger(LocalCommandExecutor.class);

  private final LocalHome home;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Duration killGrace;
  private final Clock clock;
  private final Map<String, String> hostEnvironment;
  private final String setsid;
  private final CommandRun.Host host;
  private final Set<CommandRun> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Creates an executor that uses {@code scheduler} both for timeouts and for its short file work
   * (starting processes, reading output tails), with the {@linkplain #DEFAULT_KILL_GRACE default
   * kill grace} and {@link System#getenv()} as the host environment. The scheduler is not shut down
   * by {@link #close()}.
   *
   * @param home the home holding the node directories
   * @param scheduler schedules timeouts and runs the file work; one thread is enough
   * @throws NullPointerException if an argument is null
   */
  public LocalCommandExecutor(LocalHome home, ScheduledExecutorService scheduler) {
    this(builder(home).scheduler(scheduler));
  }

  /**
   * Creates an executor with {@link System#getenv()} as the host environment. Neither executor is
   * shut down by {@link #close()}.
   *
   * @param home the home holding the node directories
   * @param executor runs the short file work (starting processes, reading output tails)
   * @param scheduler schedules timeouts and the forced kill after the grace
   * @param killGrace how long a killed command has between SIGTERM and SIGKILL; not negative
   * @param clock names the log files
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code killGrace} is negative
   */
  public LocalCommandExecutor(
      LocalHome home,
      Executor executor,
      ScheduledExecutorService scheduler,
      Duration killGrace,
      Clock clock) {
    this(builder(home).executor(executor).scheduler(scheduler).killGrace(killGrace).clock(clock));
  }

  private LocalCommandExecutor(Builder b) {
    this.home = b.home;
    this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
    this.executor = b.executor != null ? b.executor : b.scheduler;
    this.killGrace = b.killGrace;
    this.clock = b.clock;
    this.hostEnvironment = b.hostEnvironment;
    this.setsid = findSetsid(hostEnvironment);
    this.host =
        new CommandRun.Host(home, executor, scheduler, killGrace, clock, hostEnvironment, setsid);
    if (setsid == null) {
      LOG.warn(
          "setsid (util-linux) was not found: commands do not get a process group of their own,"
              + " and a fence cannot find processes that left a command's process tree");
    }
  }

  /**
   * Starts configuring an executor.
   *
   * @param home the home holding the node directories
   * @return a builder with the documented defaults; {@link Builder#scheduler} must be set
   * @throws NullPointerException if {@code home} is null
   */
  public static Builder builder(LocalHome home) {
    return new Builder(home);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The returned future is the one to cancel: cancelling it kills the command.
   */
  @Override
  public CompletableFuture<CommandResult> run(CommandRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<CommandResult> result = new CompletableFuture<>();
    CommandRun run = new CommandRun(host, request, result);
    result.whenComplete(
        (r, e) -> {
          running.remove(run);
          if (result.isCancelled()) {
            run.kill("cancelled");
          }
        });
    if (closed) {
      result.completeExceptionally(new IllegalStateException("the command executor is closed"));
      return result;
    }
    running.add(run);
    try {
      executor.execute(run::start);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new IllegalStateException(
              "cannot run "
                  + request.service()
                  + " on "
                  + request.node().ref().nodeId()
                  + ": the executor is closed",
              e));
    }
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Kills the runs of this executor with {@code runKey} on the node that are still going (their
   * futures complete as cancelled), and the runs that the node directory's run records name whose
   * shell is still alive, whichever executor or process started them, with their process group and
   * descendants; completes once none of those processes is alive. Fails with {@link
   * LifecycleException} when they are still alive the kill grace plus 30 seconds later, or the
   * records cannot be read.
   */
  @Override
  public CompletableFuture<Void> fence(NodeResource node, String runKey) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(runKey, "runKey");
    String nodeId = node.ref().nodeId();
    List<CompletableFuture<?>> exits = new ArrayList<>();
    for (CommandRun run : List.copyOf(running)) {
      if (run.request().runKey().equals(runKey)
          && run.request().node().ref().nodeId().equals(nodeId)) {
        Process p = run.process();
        run.result().cancel(true);
        if (p != null) {
          exits.add(p.onExit());
        }
      }
    }
    if (!runKey.isEmpty()) {
      CompletableFuture<Void> recorded = new CompletableFuture<>();
      exits.add(recorded);
      try {
        executor.execute(
            () -> {
              try {
                Path dir = home.nodeDirectory(nodeId);
                RunRecords.fence(dir, runKey, killGrace, scheduler)
                    .whenComplete(
                        (v, e) -> {
                          if (e == null) {
                            recorded.complete(null);
                          } else {
                            recorded.completeExceptionally(e);
                          }
                        });
              } catch (RuntimeException e) {
                recorded.completeExceptionally(
                    new LifecycleException(
                        "cannot fence run " + runKey + " on node " + nodeId + ": " + e.getMessage(),
                        e));
              }
            });
      } catch (RejectedExecutionException e) {
        recorded.completeExceptionally(
            new IllegalStateException("cannot fence: the executor is closed", e));
      }
    }
    return CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new));
  }

  /**
   * Kills the commands still running (their futures fail with {@link LifecycleException}) and
   * refuses new ones; idempotent. Does not shut down the executors given at construction.
   */
  @Override
  public void close() {
    closed = true;
    for (CommandRun run : List.copyOf(running)) {
      // fail the future before killing, so that the process's exit cannot complete it first
      run.result()
          .completeExceptionally(
              new LifecycleException(
                  "command "
                      + run.request().service()
                      + " on node "
                      + run.request().node().ref().nodeId()
                      + " was killed: the command executor was closed"));
      run.kill("executor closed");
    }
  }

  /**
   * The absolute path of an executable {@code setsid} on the host's {@code PATH}, or in {@code
   * /usr/bin} or {@code /bin}; null when there is none.
   */
  static String findSetsid(Map<String, String> hostEnvironment) {
    List<String> dirs = new ArrayList<>();
    String path = hostEnvironment.get("PATH");
    if (path != null) {
      dirs.addAll(Arrays.asList(path.split(":")));
    }
    dirs.addAll(List.of("/usr/bin", "/bin"));
    for (String d : dirs) {
      if (d.isEmpty() || !d.startsWith("/")) {
        continue;
      }
      try {
        Path candidate = Path.of(d, "setsid");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      } catch (InvalidPathException e) {
        // not a usable directory name: try the next
      }
    }
    return null;
  }

  /** Settings of a {@link LocalCommandExecutor}; not thread-safe. */
  public static final class Builder {
    private final LocalHome home;
    private Executor executor;
    private ScheduledExecutorService scheduler;
    private Duration killGrace = DEFAULT_KILL_GRACE;
    private Clock clock = Clock.systemUTC();
    private Map<String, String> hostEnvironment = System.getenv();

    private Builder(LocalHome home) {
      this.home = Objects.requireNonNull(home, "home");
    }

    /**
     * Sets what runs the short file work (starting processes, reading output tails); default the
     * {@linkplain #scheduler scheduler}. Not shut down by {@link LocalCommandExecutor#close()}.
     *
     * @param value the executor
     * @return this builder
     */
    public Builder executor(Executor value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    /**
     * Sets what schedules timeouts and forced kills; required. Not shut down by {@link
     * LocalCommandExecutor#close()}.
     *
     * @param value the scheduler; one thread is enough
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Sets how long a killed command has between SIGTERM and SIGKILL; default {@link
     * #DEFAULT_KILL_GRACE}.
     *
     * @param value zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is negative
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
     * Sets the clock that names the log files; default the system clock in UTC.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the environment the {@linkplain #INHERITED_VARIABLES allow-listed} variables are taken
     * from, and whose {@code PATH} locates {@code setsid}; default {@link System#getenv()}. Nothing
     * else of it reaches commands.
     *
     * @param value the variables; copied
     * @return this builder
     */
    public Builder hostEnvironment(Map<String, String> value) {
      this.hostEnvironment = Map.copyOf(Objects.requireNonNull(value, "hostEnvironment"));
      return this;
    }

    /**
     * Creates the executor.
     *
     * @return the executor
     * @throws NullPointerException if no scheduler was set
     */
    public LocalCommandExecutor build() {
      return new LocalCommandExecutor(this);
    }
  }
}
