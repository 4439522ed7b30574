package io.clusterlifecycle.spi.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.error.LifecycleException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable records of the command runs that carry a run key, in {@code runs/} of the node
 * directory, one file per run: what a fence in another process needs to find a run an engine lost
 * track of (docs/design.md §5.8, §9.3).
 */
final class RunRecords {
  /** The directory of run records in a node directory. */
  static final String RUNS_DIR = "runs";

  /** How long, after the kill grace, a fence waits for the processes it killed to be gone. */
  static final long FENCE_DEADLINE_SECONDS = 30;

  /** Two start times this close belong to the same process (boot time is read to the second). */
  private static final long START_TOLERANCE_MILLIS = 2000;

  private static final long POLL_MILLIS = 50;
  private static final String PENDING = "pending-";
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final Logger LOG = LoggerFactory.getLogger(RunRecords.class);

  private RunRecords() {}

  /**
   * The variable that carries a run's id into its command's environment (and so into every process
   * the command starts), so that a fence can find the run's shell even when its engine died after
   * starting it but before recording its process id.
   */
  static final String RUN_ID_VARIABLE = "LC_RUN_ID";

  /**
   * A run being started.
   *
   * @param file the pending record
   * @param runId the id its command gets in {@link #RUN_ID_VARIABLE}
   */
  record Pending(Path file, String runId) {}

  /**
   * Records, before a run's process is started, that it is being started, so that a fence in the
   * meantime waits for its process id instead of missing it, and a fence after the engine died
   * finds the run's shell by its id ({@link #orphanedShell}).
   *
   * @return the pending record and the run's id
   */
  static Pending writePending(Path nodeDir, String runKey) throws IOException {
    Path dir = nodeDir.resolve(RUNS_DIR);
    FileModes.createPrivateDirectories(dir);
    ObjectNode o = Json.object();
    o.put("run_key", runKey);
    ProcessHandle engine = ProcessHandle.current();
    o.put("engine_pid", engine.pid());
    engine.info().startInstant().ifPresent(i -> o.put("engine_started_at_ms", i.toEpochMilli()));
    String runId = UUID.randomUUID().toString();
    o.put("run_id", runId);
    Path file =
        dir.resolve(
            prefix(runKey) + PENDING + SEQUENCE.incrementAndGet() + "-" + engine.pid() + ".json");
    writeQuickly(file, Json.write(o));
    return new Pending(file, runId);
  }

  /**
   * Records a run that has just started.
   *
   * @param ownGroup whether the process leads a process group of its own (started through setsid)
   * @return the record's file
   */
  static Path write(Path nodeDir, String runKey, ProcessHandle process, boolean ownGroup)
      throws IOException {
    Path dir = nodeDir.resolve(RUNS_DIR);
    FileModes.createPrivateDirectories(dir);
    ObjectNode o = Json.object();
    o.put("run_key", runKey);
    o.put("pid", process.pid());
    o.put("process_group", ownGroup ? process.pid() : -1);
    process.info().startInstant().ifPresent(i -> o.put("started_at_ms", i.toEpochMilli()));
    o.put("engine_pid", ProcessHandle.current().pid());
    Path file = recordFile(nodeDir, runKey, process.pid());
    writeQuickly(file, Json.write(o));
    return file;
  }

  /**
   * Writes a record whole (a temporary file renamed over it) without forcing it to disk: a record
   * only has to outlive the engine's process, and a power loss ends the run it names too.
   */
  private static void writeQuickly(Path file, String content) throws IOException {
    Path temp = file.resolveSibling(AtomicFiles.TEMP_PREFIX + file.getFileName());
    try (var ch =
        FileModes.open(
            temp,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE))) {
      ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }
    AtomicFiles.moveAtomically(temp, file);
  }

  /** The record file of a run with a key whose shell has a process id. */
  static Path recordFile(Path nodeDir, String runKey, long pid) {
    return nodeDir.resolve(RUNS_DIR).resolve(prefix(runKey) + pid + ".json");
  }

  /** Removes a run's record; one that is gone already is not an error. */
  static void remove(Path record) {
    try {
      Files.deleteIfExists(record);
    } catch (IOException e) {
      LOG.warn("cannot remove the run record {}: {}", record, e.toString());
    }
  }

  /**
   * Kills the recorded runs of {@code runKey} in a node directory whose shell still lives, with
   * their process groups and descendants, and completes once none of their processes is alive;
   * removes the records. A run being started by a live engine is waited for until its process id is
   * recorded.
   */
  static CompletableFuture<Void> fence(
      Path nodeDir, String runKey, Duration grace, ScheduledExecutorService scheduler) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FENCE_DEADLINE_SECONDS);
    attempt(nodeDir, runKey, grace, scheduler, deadline, done);
    return done;
  }

  private static void attempt(
      Path nodeDir,
      String runKey,
      Duration grace,
      ScheduledExecutorService scheduler,
      long deadline,
      CompletableFuture<Void> done) {
    try {
      Path dir = nodeDir.resolve(RUNS_DIR);
      if (!Files.isDirectory(dir)) {
        done.complete(null);
        return;
      }
      String prefix = prefix(runKey);
      List<Path> pending = new ArrayList<>();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      List<Object[]> started = new ArrayList<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*.json")) {
        for (Path file : files) {
          String text;
          try {
            text = Files.readString(file, StandardCharsets.UTF_8);
          } catch (NoSuchFileException e) {
            continue; // its run just ended, or its process id was just recorded
          }
          ObjectNode o = Json.readObject(text, "run record " + file);
          if (!runKey.equals(Json.text(o, "run_key"))) {
            continue;
          }
          if (o.hasNonNull("pid")) {
            started.add(new Object[] {file, o});
          } else if (engineAlive(o)) {
            pending.add(file);
          } else {
            Optional<ObjectNode> orphan = orphanedShell(o);
            if (orphan.isPresent()) {
              started.add(new Object[] {file, orphan.get()});
            } else {
              LOG.info(
                  "the engine that was starting run {} (pid {}) died before it recorded the"
                      + " process, and no shell of that run is alive",
                  runKey,
                  Json.text(o, "engine_pid"));
              remove(file);
            }
          }
        }
      }
      if (!pending.isEmpty()) {
        if (System.nanoTime() > deadline) {
          done.completeExceptionally(
              new LifecycleException(
                  "cannot fence run "
                      + runKey
                      + ": a live engine has been starting it for "
                      + FENCE_DEADLINE_SECONDS
                      + " s ("
                      + pending
                      + ")"));
          return;
        }
        scheduler.schedule(
            () -> attempt(nodeDir, runKey, grace, scheduler, deadline, done),
            POLL_MILLIS,
            TimeUnit.MILLISECONDS);
        return;
      }
      for (Object[] r : started) {
        all.add(fenceOne((Path) r[0], (ObjectNode) r[1], grace, scheduler));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .whenComplete(
              (v, e) -> {
                if (e == null) {
                  done.complete(null);
                } else {
                  done.completeExceptionally(e);
                }
              });
    } catch (IOException | RuntimeException e) {
      done.completeExceptionally(
          new LifecycleException(
              "cannot fence run " + runKey + " in " + nodeDir + ": " + e.getMessage(), e));
    }
  }

  /**
   * The shell of a pending run whose engine died, as a process record. Every process of the run
   * carries the run's id in its environment; the shell is the one among them that runs {@code bash
   * -c} and whose parent does not carry the id (the dead engine's place was taken by init), and
   * when several do (a subshell whose parent ended), the one that leads its process group (as a
   * shell started through setsid does), then the one that started first.
   */
  private static Optional<ObjectNode> orphanedShell(ObjectNode pending) {
    String runId = Json.text(pending, "run_id");
    if (runId.isEmpty()) {
      return Optional.empty(); // written by a release without run ids
    }
    List<ProcessHandle> run = ProcessTree.withEnvironmentEntry(RUN_ID_VARIABLE + "=" + runId);
    Set<Long> inRun = new HashSet<>();
    run.forEach(h -> inRun.add(h.pid()));
    return run.stream()
        .filter(h -> h.parent().map(p -> !inRun.contains(p.pid())).orElse(true))
        .filter(h -> isShell(ProcessTree.arguments(h.pid())))
        .min(
            Comparator.comparing((ProcessHandle h) -> !leadsGroup(h))
                .thenComparing(h -> h.info().startInstant().orElse(Instant.MAX)))
        .map(
            h -> {
              ObjectNode o = Json.object();
              o.put("run_key", Json.text(pending, "run_key"));
              o.put("pid", h.pid());
              o.put("process_group", leadsGroup(h) ? h.pid() : -1);
              h.info().startInstant().ifPresent(i -> o.put("started_at_ms", i.toEpochMilli()));
              return o;
            });
  }

  private static boolean isShell(List<String> args) {
    return args.size() == 3 && args.get(0).endsWith("bash") && args.get(1).equals("-c");
  }

  private static boolean leadsGroup(ProcessHandle h) {
    return ProcessTree.stat(h.pid()).map(st -> st[1] == h.pid()).orElse(false);
  }

  private static boolean engineAlive(ObjectNode o) {
    long pid = o.path("engine_pid").asLong(-1);
    Long startedAt =
        o.hasNonNull("engine_started_at_ms") ? o.get("engine_started_at_ms").asLong() : null;
    return ProcessHandle.of(pid)
        .filter(ProcessTree::alive)
        .filter(h -> sameStart(h, startedAt))
        .isPresent();
  }

  private static CompletableFuture<Void> fenceOne(
      Path file, ObjectNode o, Duration grace, ScheduledExecutorService scheduler) {
    long pid = o.path("pid").asLong(-1);
    long group = o.path("process_group").asLong(-1);
    Long startedAt = o.hasNonNull("started_at_ms") ? o.get("started_at_ms").asLong() : null;
    Optional<ProcessHandle> leader =
        ProcessHandle.of(pid).filter(ProcessTree::alive).filter(h -> sameStart(h, startedAt));
    if (leader.isEmpty()) {
      // the run is over; what it left in the background is a daemon it meant to leave
      remove(file);
      return CompletableFuture.completedFuture(null);
    }
    ProcessHandle root = leader.get();
    LOG.info(
        "fencing run {} (pid {}): killing it with its process group and descendants",
        Json.text(o, "run_key"),
        pid);
    Set<ProcessHandle> members = members(root, group);
    root.destroy();
    members.forEach(ProcessHandle::destroy);
    CompletableFuture<Void> gone = new CompletableFuture<>();
    long deadline =
        System.nanoTime() + grace.toNanos() + TimeUnit.SECONDS.toNanos(FENCE_DEADLINE_SECONDS);
    Runnable force =
        () -> {
          Set<ProcessHandle> again = new LinkedHashSet<>(members);
          again.addAll(members(root, group));
          if (root.isAlive()) {
            root.destroyForcibly();
          }
          again.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
          poll(root, group, members, deadline, file, gone, scheduler);
        };
    try {
      scheduler.schedule(force, grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      gone.completeExceptionally(
          new IllegalStateException("cannot fence: the executor is closed", e));
    }
    return gone;
  }

  private static void poll(
      ProcessHandle root,
      long group,
      Set<ProcessHandle> members,
      long deadline,
      Path file,
      CompletableFuture<Void> gone,
      ScheduledExecutorService scheduler) {
    Set<ProcessHandle> alive = new LinkedHashSet<>();
    if (ProcessTree.alive(root)) {
      alive.add(root);
    }
    members.stream().filter(ProcessTree::alive).forEach(alive::add);
    alive.addAll(ProcessTree.groupMembers(group, null));
    if (alive.isEmpty()) {
      remove(file);
      gone.complete(null);
      return;
    }
    if (System.nanoTime() > deadline) {
      gone.completeExceptionally(
          new LifecycleException(
              "cannot prove the run of "
                  + file
                  + " gone: processes "
                  + alive.stream().map(h -> Long.toString(h.pid())).toList()
                  + " still live after SIGKILL"));
      return;
    }
    alive.forEach(ProcessHandle::destroyForcibly);
    try {
      scheduler.schedule(
          () -> poll(root, group, members, deadline, file, gone, scheduler),
          POLL_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      gone.completeExceptionally(
          new IllegalStateException("cannot fence: the executor is closed", e));
    }
  }

  private static Set<ProcessHandle> members(ProcessHandle root, long group) {
    Set<ProcessHandle> members = ProcessTree.snapshot(root);
    members.addAll(ProcessTree.groupMembers(group, root));
    members.remove(root);
    return members;
  }

  private static boolean sameStart(ProcessHandle h, Long recordedMillis) {
    if (recordedMillis == null) {
      return true;
    }
    Optional<Instant> now = h.info().startInstant();
    return now.isEmpty()
        || Math.abs(now.get().toEpochMilli() - recordedMillis) <= START_TOLERANCE_MILLIS;
  }

  /** The start of the record file names of a run key: readable, and unique through a hash. */
  private static String prefix(String runKey) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(runKey.getBytes(StandardCharsets.UTF_8));
      return Ids.sanitize(runKey) + "-" + HexFormat.of().formatHex(hash, 0, 8) + ".";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
