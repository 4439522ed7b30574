package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeResource;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs service commands as local processes in the node directories of a {@link LocalHome}: the
 * embedded default {@link CommandExecutor}.
 *
 * <p>A command runs as the argument vector {@code bash -c <script>}: the script is passed as one
 * argument and nothing is ever spliced into it. Its working directory is the node's directory
 * {@code HOME/nodes/<node-id>/}; its standard input is empty; its environment is this JVM's,
 * without any of the {@code LC_*} variables of {@link CommandRequest}, overlaid with the request's
 * environment, plus {@link CommandRequest#LC_METADATA} (the absolute path of {@code
 * HOME/nodes/<node-id>/metadata.json}) when the request does not set it. Standard output and error
 * go to files {@code logs/<service>.<time>.<pid>-<n>.out} and {@code .err} in the node directory,
 * one pair per run, kept after the run; the result carries their last {@link
 * CommandResult#MAX_TAIL} characters.
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

  private static final Logger LOG = LoggerFactory.getLogger(LocalCommandExecutor.class);
  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final List<String> LC_VARIABLES =
      List.of(
          CommandRequest.LC_CLUSTER_ID,
          CommandRequest.LC_CLUSTER_NAME,
          CommandRequest.LC_ROLE,
          CommandRequest.LC_NODE_ID,
          CommandRequest.LC_NODE_IP,
          CommandRequest.LC_SERVICE,
          CommandRequest.LC_OPERATION_ID,
          CommandRequest.LC_METADATA,
          CommandRequest.LC_BACKUP_ID,
          CommandRequest.LC_BACKUP_ARTIFACT,
          CommandRequest.LC_BACKUP_DIR,
          CommandRequest.LC_APP_VERSION,
          CommandRequest.LC_NODE_CPU,
          CommandRequest.LC_NODE_MEMORY,
          CommandRequest.LC_NODE_VOLUME_SIZE);
  private static final Pattern ARTIFACT_SEGMENT =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final File DEV_NULL = new File("/dev/null");
  private static final AtomicLong RUNS = new AtomicLong();

  private final LocalHome home;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Duration killGrace;
  private final Clock clock;
  private final Set<Run> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Creates an executor that uses {@code scheduler} both for timeouts and for its short file work
   * (starting processes, reading output tails), with the {@linkplain #DEFAULT_KILL_GRACE default
   * kill grace}. The scheduler is not shut down by {@link #close()}.
   *
   * @param home the home holding the node directories
   * @param scheduler schedules timeouts and runs the file work; one thread is enough
   * @throws NullPointerException if an argument is null
   */
  public LocalCommandExecutor(LocalHome home, ScheduledExecutorService scheduler) {
    this(home, scheduler, scheduler, DEFAULT_KILL_GRACE, Clock.systemUTC());
  }

  /**
   * Creates an executor. Neither executor is shut down by {@link #close()}.
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
    this.home = Objects.requireNonNull(home, "home");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (killGrace.isNegative()) {
      throw new IllegalArgumentException("killGrace must not be negative, was " + killGrace);
    }
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
    Run run = new Run(request, result);
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
   * futures complete as cancelled) and completes once their processes have exited.
   */
  @Override
  public CompletableFuture<Void> fence(NodeResource node, String runKey) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(runKey, "runKey");
    List<CompletableFuture<?>> exits = new java.util.ArrayList<>();
    for (Run run : List.copyOf(running)) {
      if (run.request.runKey().equals(runKey)
          && run.request.node().ref().nodeId().equals(node.ref().nodeId())) {
        Process p = run.process;
        run.result.cancel(true);
        if (p != null) {
          exits.add(p.onExit());
        }
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
    for (Run run : List.copyOf(running)) {
      // fail the future before killing, so that the process's exit cannot complete it first
      run.result.completeExceptionally(
          new LifecycleException(
              "command "
                  + run.request.service()
                  + " on node "
                  + run.request.node().ref().nodeId()
                  + " was killed: the command executor was closed"));
      run.kill("executor closed");
    }
  }

  /** One command run: the process once started, and how it ended. */
  private final class Run {
    final CommandRequest request;
    final CompletableFuture<CommandResult> result;
    final AtomicBoolean timedOut = new AtomicBoolean();
    volatile Process process;
    volatile ScheduledFuture<?> timer;

    Run(CommandRequest request, CompletableFuture<CommandResult> result) {
      this.request = request;
      this.result = result;
    }

    void start() {
      if (result.isDone()) {
        return;
      }
      String nodeId = request.node().ref().nodeId();
      try {
        Path dir = home.nodeDirectory(nodeId);
        String artifact = request.environment().get(CommandRequest.LC_BACKUP_ARTIFACT);
        Path backupDir = artifact == null ? null : backupDirectory(artifact);
        if (!Files.isDirectory(dir)) {
          throw new NotFoundException(
              "cannot run "
                  + request.service()
                  + " on node "
                  + nodeId
                  + ": its directory "
                  + dir
                  + " does not exist (the node was not created in this"
                  + " home, or was deleted)");
        }
        Path logs = dir.resolve(NodeRecord.LOGS_DIR);
        Files.createDirectories(logs);
        String base =
            Ids.sanitize(request.service())
                + "."
                + LOG_TIME.format(clock.instant())
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + RUNS.incrementAndGet();
        Path out = logs.resolve(base + ".out");
        Path err = logs.resolve(base + ".err");
        ProcessBuilder pb =
            new ProcessBuilder("bash", "-c", request.script())
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        boolean devNull = DEV_NULL.exists();
        pb.redirectInput(
            devNull ? ProcessBuilder.Redirect.from(DEV_NULL) : ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = pb.environment();
        LC_VARIABLES.forEach(env::remove);
        env.putAll(request.environment());
        env.putIfAbsent(CommandRequest.LC_METADATA, home.nodeMetadataFile(nodeId).toString());
        if (backupDir != null) {
          Files.createDirectories(backupDir);
          env.put(CommandRequest.LC_BACKUP_DIR, backupDir.toString());
        }

        long started = System.nanoTime();
        Process p = pb.start();
        process = p;
        if (!devNull) {
          p.getOutputStream().close();
        }
        LOG.debug("started {} on node {} (pid {})", request.service(), nodeId, p.pid());
        if (result.isDone()) {
          kill(result.isCancelled() ? "cancelled" : "executor closed");
        } else {
          timer =
              schedule(
                  request.timeout(),
                  () -> {
                    if (timedOut.compareAndSet(false, true)) {
                      LOG.debug(
                          "{} on node {} timed out after {}",
                          request.service(),
                          nodeId,
                          request.timeout());
                      kill("timed out");
                    }
                  });
        }
        p.onExit()
            .whenCompleteAsync(
                (ended, e) -> finish(p, started, out, err),
                task -> {
                  try {
                    executor.execute(task);
                  } catch (RejectedExecutionException closed) {
                    task.run();
                  }
                });
      } catch (IOException e) {
        result.completeExceptionally(
            new LifecycleException(
                "cannot run " + request.service() + " on node " + nodeId + ": " + e.getMessage(),
                e));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }

    private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
      long nanos;
      try {
        nanos = Math.max(0, delay.toNanos());
      } catch (ArithmeticException e) {
        nanos = Long.MAX_VALUE;
      }
      return scheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    private void finish(Process p, long started, Path out, Path err) {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      if (result.isDone()) {
        return;
      }
      try {
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        boolean killed = timedOut.get();
        CommandResult r =
            CommandResult.builder()
                .exitCode(killed ? CommandResult.TIMEOUT_EXIT_CODE : p.exitValue())
                .timedOut(killed)
                .stdoutTail(tail(out))
                .stderrTail(tail(err))
                .duration(duration)
                .build();
        LOG.debug(
            "{} on node {} ended: exit {}{} after {}",
            request.service(),
            request.node().ref().nodeId(),
            r.exitCode(),
            killed ? " (timed out)" : "",
            duration);
        result.complete(r);
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(
            new LifecycleException(
                "cannot read the output of "
                    + request.service()
                    + " on node "
                    + request.node().ref().nodeId()
                    + ": "
                    + e.getMessage(),
                e));
      }
    }

    void kill(String why) {
      Process p = process;
      if (p != null && p.isAlive()) {
        LOG.debug(
            "killing {} on node {} (pid {}): {}",
            request.service(),
            request.node().ref().nodeId(),
            p.pid(),
            why);
        ProcessTree.kill(p.toHandle(), killGrace, scheduler);
      }
    }
  }

  /**
   * Checks an {@link CommandRequest#LC_BACKUP_ARTIFACT} value and maps it to its directory.
   *
   * @throws IllegalArgumentException naming the value when it is not two well-formed segments
   */
  private Path backupDirectory(String artifact) {
    int slash = artifact.indexOf('/');
    boolean ok =
        slash > 0
            && !artifact.contains("..")
            && ARTIFACT_SEGMENT.matcher(artifact.substring(0, slash)).matches()
            && ARTIFACT_SEGMENT.matcher(artifact.substring(slash + 1)).matches();
    Path root = home.backupsDirectory();
    Path dir = ok ? root.resolve(artifact).normalize() : null;
    if (dir == null || !dir.startsWith(root) || dir.getNameCount() != root.getNameCount() + 2) {
      String shown = artifact.length() > 300 ? artifact.substring(0, 300) + "..." : artifact;
      throw new IllegalArgumentException(
          CommandRequest.LC_BACKUP_ARTIFACT
              + " '"
              + shown.replaceAll("\\p{Cntrl}", "?")
              + "' is not <backup-id>/<node-id>: each part"
              + " must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit,"
              + " and the value must not hold '..'");
    }
    return dir;
  }

  /** The last {@link CommandResult#MAX_TAIL} characters of a UTF-8 file. */
  static String tail(Path file) throws IOException {
    long maxBytes = 4L * CommandResult.MAX_TAIL;
    byte[] bytes;
    boolean cut;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      long from = Math.max(0, length - maxBytes);
      cut = from > 0;
      bytes = new byte[(int) (length - from)];
      f.seek(from);
      f.readFully(bytes);
    } catch (FileNotFoundException e) {
      return "";
    }
    int skip = 0;
    // Start at a character boundary: skip UTF-8 continuation bytes cut off by the seek.
    while (cut && skip < bytes.length && skip < 3 && (bytes[skip] & 0xC0) == 0x80) {
      skip++;
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    String text = decoder.decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip)).toString();
    return text.length() <= CommandResult.MAX_TAIL
        ? text
        : text.substring(text.length() - CommandResult.MAX_TAIL);
  }
}
