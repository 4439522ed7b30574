package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * One command run of a {@link LocalCommandExecutor}: its log files and run record, its process once
 * started, its timer, and how it ended (docs/design.md §9.3).
 */
final class CommandRun {
  /**
   * What the runs of one executor share.
   *
   * @param home the home holding the node directories
   * @param executor runs the file work of starting and finishing
   * @param scheduler schedules timeouts and the forced kill after the grace
   * @param killGrace how long a killed command has between SIGTERM and SIGKILL
   * @param clock names the log files
   * @param environment the host environment the clean environment's variables are taken from
   * @param setsid the {@code setsid} to start commands through, or null for none
   */
  record Host(
      LocalHome home,
      Executor executor,
      ScheduledExecutorService scheduler,
      Duration killGrace,
      Clock clock,
      Map<String, String> environment,
      String setsid) {}

  private static final Logger LOG = LoggerFactory.getLogger(LocalCommandExecutor.class);
  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern ARTIFACT_SEGMENT =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final File DEV_NULL = new File("/dev/null");
  private static final AtomicLong RUNS = new AtomicLong();

  private final Host host;
  private final CommandRequest request;
  private final CompletableFuture<CommandResult> result;
  private final AtomicBoolean timedOut = new AtomicBoolean();
  private final AtomicBoolean killing = new AtomicBoolean();
  private volatile Process process;
  private volatile Path record;
  private volatile ScheduledFuture<?> timer;

  CommandRun(Host host, CommandRequest request, CompletableFuture<CommandResult> result) {
    this.host = host;
    this.request = request;
    this.result = result;
  }

  /**
   * Starts the command, on a thread of the host's executor: its log files, its run record, its
   * process in the clean environment, its timer; completes the result when it cannot.
   */
  void start() {
    if (result.isDone()) {
      return;
    }
    String nodeId = request.node().ref().nodeId();
    try {
      Path dir = host.home().nodeDirectory(nodeId);
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
      FileModes.createPrivateDirectories(logs);
      String base =
          Ids.sanitize(request.service())
              + "."
              + LOG_TIME.format(host.clock().instant())
              + "."
              + ProcessHandle.current().pid()
              + "-"
              + RUNS.incrementAndGet();
      Path out = logs.resolve(base + ".out");
      Path err = logs.resolve(base + ".err");
      FileModes.createPrivateFileIfMissing(out);
      FileModes.createPrivateFileIfMissing(err);
      List<String> argv = new ArrayList<>();
      if (host.setsid() != null) {
        argv.addAll(List.of(host.setsid(), "-w"));
      }
      argv.addAll(List.of("bash", "-c", request.script()));
      ProcessBuilder pb =
          new ProcessBuilder(argv)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      boolean devNull = DEV_NULL.exists();
      pb.redirectInput(
          devNull ? ProcessBuilder.Redirect.from(DEV_NULL) : ProcessBuilder.Redirect.PIPE);
      Map<String, String> env = pb.environment();
      env.clear();
      for (String name : LocalCommandExecutor.INHERITED_VARIABLES) {
        String value = host.environment().get(name);
        if (value != null) {
          env.put(name, value);
        }
      }
      env.put("HOME", dir.toString());
      env.putAll(request.environment());
      env.putIfAbsent(CommandRequest.LC_METADATA, host.home().nodeMetadataFile(nodeId).toString());
      Path reportBase = logs.resolve(base);
      env.put(CommandRequest.LC_RESULT, reportBase + ".result");
      env.put(CommandRequest.LC_STATUS, reportBase + ".status");
      if (backupDir != null) {
        FileModes.createPrivateDirectories(backupDir);
        env.put(CommandRequest.LC_BACKUP_DIR, backupDir.toString());
      }

      RunRecords.Pending pending = null;
      if (!request.runKey().isEmpty()) {
        pending = RunRecords.writePending(dir, request.runKey());
        env.put(RunRecords.RUN_ID_VARIABLE, pending.runId());
      }
      long started = System.nanoTime();
      Process p;
      try {
        p = pb.start();
      } catch (IOException | RuntimeException e) {
        if (pending != null) {
          RunRecords.remove(pending.file());
        }
        throw e;
      }
      if (pending != null) {
        try {
          record = RunRecords.write(dir, request.runKey(), p.toHandle(), host.setsid() != null);
        } catch (IOException | RuntimeException e) {
          ProcessTree.kill(p.toHandle(), Duration.ZERO, host.scheduler(), () -> {});
          throw e;
        } finally {
          RunRecords.remove(pending.file());
        }
      }
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
              (ended, e) -> finish(p, started, out, err, reportBase),
              task -> {
                try {
                  host.executor().execute(task);
                } catch (RejectedExecutionException closed) {
                  task.run();
                }
              });
    } catch (IOException e) {
      result.completeExceptionally(
          new LifecycleException(
              "cannot run " + request.service() + " on node " + nodeId + ": " + e.getMessage(), e));
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
    return host.scheduler().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  private void finish(Process p, long started, Path out, Path err, Path reportBase) {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
    if (!killing.get()) {
      removeRecord();
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
              .result(ReportFiles.take(Path.of(reportBase + ".result")))
              .status(ReportFiles.take(Path.of(reportBase + ".status")))
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

  /** Kills the command's process group, once, after the host's grace; its record goes last. */
  void kill(String why) {
    Process p = process;
    if (p != null && p.isAlive() && killing.compareAndSet(false, true)) {
      LOG.debug(
          "killing {} on node {} (pid {}): {}",
          request.service(),
          request.node().ref().nodeId(),
          p.pid(),
          why);
      // the record stays until the forced kill, so that a fence after a crash in the grace
      // still finds the run
      ProcessTree.kill(p.toHandle(), host.killGrace(), host.scheduler(), this::removeRecord);
    }
  }

  private void removeRecord() {
    Path r = record;
    if (r != null) {
      RunRecords.remove(r);
    }
  }

  /** The request run. */
  CommandRequest request() {
    return request;
  }

  /** The run's future: cancelling it kills the command. */
  CompletableFuture<CommandResult> result() {
    return result;
  }

  /** The process, once started; null before. */
  Process process() {
    return process;
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
    Path root = host.home().backupsDirectory();
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
  private static String tail(Path file) throws IOException {
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
