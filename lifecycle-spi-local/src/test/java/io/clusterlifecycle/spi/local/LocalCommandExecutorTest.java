package io.clusterlifecycle.spi.local;

import static io.clusterlifecycle.spi.local.Fixtures.await;
import static io.clusterlifecycle.spi.local.Fixtures.failure;
import static io.clusterlifecycle.spi.local.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandExecutorTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path dir;
  private LocalHome home;
  private ExecutorService pool;
  private ScheduledExecutorService scheduler;
  private LocalCommandExecutor executor;
  private NodeResource node;

  @BeforeEach
  void open() {
    home = LocalHome.open(dir);
    pool = Executors.newFixedThreadPool(2);
    scheduler = Executors.newSingleThreadScheduledExecutor();
    executor =
        new LocalCommandExecutor(home, pool, scheduler, Duration.ofMillis(300), Clock.systemUTC());
    try (LocalResourceProvider provider =
        new LocalResourceProvider(home, pool, Clock.systemUTC())) {
      node = await(provider.create(node("c1", "demo-zk-1", "zk", 0)));
    }
  }

  @AfterEach
  void close() {
    executor.close();
    pool.shutdownNow();
    scheduler.shutdownNow();
  }

  private CommandRequest request(String script, Map<String, String> env, Duration timeout) {
    Map<String, String> all = new HashMap<>();
    all.put(CommandRequest.LC_CLUSTER_ID, "c1");
    all.put(CommandRequest.LC_CLUSTER_NAME, "demo");
    all.put(CommandRequest.LC_ROLE, "zk");
    all.put(CommandRequest.LC_NODE_ID, "demo-zk-1");
    all.put(CommandRequest.LC_NODE_IP, node.address());
    all.put(CommandRequest.LC_SERVICE, "start");
    all.put(CommandRequest.LC_OPERATION_ID, "op-1");
    all.putAll(env);
    return CommandRequest.builder()
        .node(node)
        .service("start")
        .script(script)
        .environment(all)
        .timeout(timeout)
        .build();
  }

  private CommandResult run(String script) {
    return await(executor.run(request(script, Map.of(), LONG)));
  }

  @Test
  void exitCodes_areReportedAsTheyAre() {
    CommandResult ok = run("true");
    CommandResult three = run("echo out; echo err >&2; exit 3");

    assertThat(ok.exitCode()).isZero();
    assertThat(ok.succeeded()).isTrue();
    assertThat(three.exitCode()).isEqualTo(3);
    assertThat(three.timedOut()).isFalse();
    assertThat(three.succeeded()).isFalse();
    assertThat(three.stdoutTail()).isEqualTo("out\n");
    assertThat(three.stderrTail()).isEqualTo("err\n");
    assertThat(three.duration()).isPositive();
  }

  @Test
  void environment_carriesTheLcVariables() {
    CommandResult r =
        run(
            "printf '%s|%s|%s|%s|%s|%s|%s' \"$LC_CLUSTER_ID\" \"$LC_CLUSTER_NAME\""
                + " \"$LC_ROLE\" \"$LC_NODE_ID\" \"$LC_NODE_IP\" \"$LC_SERVICE\" \"$LC_OPERATION_ID\"");

    assertThat(r.stdoutTail()).isEqualTo("c1|demo|zk|demo-zk-1|" + node.address() + "|start|op-1");
  }

  @Test
  void environmentValues_areNeverExecuted() {
    String evil = "$(touch pwned)`touch pwned2`\"; touch pwned3; '\n$(touch pwned4)\\ ${HOME}";

    CommandResult r =
        await(executor.run(request("printf '%s' \"$EVIL\"", Map.of("EVIL", evil), LONG)));

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdoutTail()).isEqualTo(evil);
    Path nodeDir = home.nodeDirectory("demo-zk-1");
    for (String f : new String[] {"pwned", "pwned2", "pwned3", "pwned4"}) {
      assertThat(nodeDir.resolve(f)).doesNotExist();
      assertThat(Path.of(f)).doesNotExist();
    }
  }

  @Test
  void workingDirectory_isTheNodeDirectory() throws IOException {
    CommandResult r = run("pwd -P; touch made-here");

    Path nodeDir = home.nodeDirectory("demo-zk-1");
    assertThat(r.stdoutTail().strip()).isEqualTo(nodeDir.toRealPath().toString());
    assertThat(nodeDir.resolve("made-here")).exists();
  }

  @Test
  void lcMetadata_pointsAtTheNodesMetadataFile_unlessTheRequestSetsIt() {
    CommandResult set = run("printf '%s' \"$LC_METADATA\"");
    CommandResult given =
        await(
            executor.run(
                request(
                    "printf '%s' \"$LC_METADATA\"",
                    Map.of(CommandRequest.LC_METADATA, "/elsewhere.json"), LONG)));

    assertThat(set.stdoutTail())
        .isEqualTo(home.nodeDirectory("demo-zk-1").resolve("metadata.json").toString());
    assertThat(given.stdoutTail()).isEqualTo("/elsewhere.json");
  }

  @Test
  void backupArtifact_getsItsDirectoryUnderHomeBackups_exportedAsLcBackupDir() throws IOException {
    CommandResult r =
        await(
            executor.run(
                request(
                    "printf 'zk data' > \"$LC_BACKUP_DIR/data\"; printf '%s' \"$LC_BACKUP_DIR\"",
                    Map.of(
                        CommandRequest.LC_BACKUP_ID,
                        "b-1",
                        CommandRequest.LC_BACKUP_ARTIFACT,
                        "b-1/demo-zk-1",
                        CommandRequest.LC_BACKUP_DIR,
                        "/not/this/one"),
                    LONG)));

    Path expected = dir.toAbsolutePath().resolve("backups").resolve("b-1").resolve("demo-zk-1");
    assertThat(r.exitCode()).as("stderr: %s", r.stderrTail()).isZero();
    assertThat(r.stdoutTail()).isEqualTo(expected.toString());
    assertThat(Files.readString(expected.resolve("data"))).isEqualTo("zk data");
  }

  @Test
  void backupArtifact_ofAnotherNode_letsARestoreReadWhatItsBackupWrote() {
    run("true");
    await(
        executor.run(
            request(
                "printf 'from zk-7' > \"$LC_BACKUP_DIR/data\"",
                Map.of(CommandRequest.LC_BACKUP_ARTIFACT, "b-2/old-zk-7"),
                LONG)));

    CommandResult restore =
        await(
            executor.run(
                request(
                    "cat \"$LC_BACKUP_DIR/data\"",
                    Map.of(
                        CommandRequest.LC_BACKUP_ID,
                        "b-2",
                        CommandRequest.LC_BACKUP_ARTIFACT,
                        "b-2/old-zk-7"),
                    LONG)));

    assertThat(restore.stdoutTail()).isEqualTo("from zk-7");
    assertThat(home.backupsDirectory().resolve("b-2/old-zk-7/data")).exists();
  }

  @Test
  void malformedBackupArtifacts_areRefused_withoutRunningTheCommand() throws IOException {
    for (String bad :
        List.of(
            "b-1",
            "../etc",
            "b-1/../../x",
            "b-1/..",
            "/abs/n",
            "b-1/n/x",
            ".b/n",
            "b-1/",
            "/n",
            "b 1/n",
            "b-1/n;rm",
            "a..b/n",
            "b:1/n",
            "b-1/" + "n".repeat(129),
            "")) {
      Throwable t =
          failure(
              executor.run(
                  request("touch ran", Map.of(CommandRequest.LC_BACKUP_ARTIFACT, bad), LONG)));

      assertThat(t)
          .as("artifact '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(CommandRequest.LC_BACKUP_ARTIFACT + " '" + bad + "'");
    }
    assertThat(home.nodeDirectory("demo-zk-1").resolve("ran")).doesNotExist();
    try (var entries = Files.list(home.backupsDirectory())) {
      assertThat(entries).isEmpty();
    }
    assertThat(dir.resolve("etc")).doesNotExist();
  }

  @Test
  void longestWellFormedArtifact_isAccepted() {
    String id = "B" + "a1._-".repeat(25) + "xy";
    assertThat(id).hasSize(128);

    CommandResult r =
        await(
            executor.run(
                request(
                    "test -d \"$LC_BACKUP_DIR\"",
                    Map.of(CommandRequest.LC_BACKUP_ARTIFACT, id + "/" + id),
                    LONG)));

    assertThat(r.exitCode()).isZero();
    assertThat(home.backupsDirectory().resolve(id).resolve(id)).isDirectory();
  }

  @Test
  void inheritedBackupAndVersionVariables_areNotPassedOn() {
    // lifecycle-spi-local's pom.xml sets these in the test JVM's environment
    for (String v :
        List.of(
            CommandRequest.LC_BACKUP_ID,
            CommandRequest.LC_BACKUP_ARTIFACT,
            CommandRequest.LC_BACKUP_DIR,
            CommandRequest.LC_APP_VERSION,
            CommandRequest.LC_NODE_CPU)) {
      assertThat(System.getenv(v))
          .as(v + " must be set in the test JVM's environment by the pom")
          .isNotNull();
    }

    CommandResult r =
        run(
            "printf '%s|%s|%s|%s|%s' \"${LC_BACKUP_ID-unset}\""
                + " \"${LC_BACKUP_ARTIFACT-unset}\" \"${LC_BACKUP_DIR-unset}\""
                + " \"${LC_APP_VERSION-unset}\" \"${LC_NODE_CPU-unset}\"");
    CommandResult given =
        await(
            executor.run(
                request(
                    "printf '%s' \"$LC_APP_VERSION\"",
                    Map.of(CommandRequest.LC_APP_VERSION, "3.9.1"), LONG)));

    assertThat(r.stdoutTail()).isEqualTo("unset|unset|unset|unset|unset");
    assertThat(given.stdoutTail()).isEqualTo("3.9.1");
  }

  @Test
  void hostEnvironment_passesOnlyTheAllowList_andHomeIsTheNodeDirectory() {
    Map<String, String> host = new HashMap<>();
    host.put("PATH", System.getenv("PATH"));
    host.put("LANG", "C.UTF-8");
    host.put("LC_TIME", "C");
    host.put("TZ", "UTC");
    host.put("LIFECYCLE_STORE_PASSWORD", "s3cret-store-password");
    host.put("LIFECYCLE_STORE_USER", "store-user");
    host.put("AWS_SECRET_ACCESS_KEY", "aws-s3cret");
    host.put("HOME", "/home/the-engine");
    host.put("LC_NODE_ID", "inherited-node");
    LocalCommandExecutor clean =
        LocalCommandExecutor.builder(home)
            .executor(pool)
            .scheduler(scheduler)
            .hostEnvironment(host)
            .build();
    try {
      CommandResult r = await(clean.run(request("env", Map.of("FROM_REQUEST", "yes"), LONG)));

      assertThat(r.exitCode()).isZero();
      Map<String, String> seen = new HashMap<>();
      for (String line : r.stdoutTail().split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          seen.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      assertThat(r.stdoutTail())
          .doesNotContain("s3cret-store-password", "store-user", "aws-s3cret", "the-engine");
      assertThat(seen)
          .doesNotContainKeys(
              "LIFECYCLE_STORE_PASSWORD", "LIFECYCLE_STORE_USER", "AWS_SECRET_ACCESS_KEY")
          .containsEntry("LANG", "C.UTF-8")
          .containsEntry("LC_TIME", "C")
          .containsEntry("TZ", "UTC")
          .containsEntry("PATH", System.getenv("PATH"))
          .containsEntry("HOME", home.nodeDirectory("demo-zk-1").toString())
          .containsEntry("LC_NODE_ID", "demo-zk-1")
          .containsEntry("FROM_REQUEST", "yes");
      // what bash adds itself (PWD, SHLVL, _) aside, nothing but the allow-list and the request
      Set<String> allowed = new HashSet<>(LocalCommandExecutor.INHERITED_VARIABLES);
      allowed.addAll(request("env", Map.of("FROM_REQUEST", "yes"), LONG).environment().keySet());
      allowed.addAll(EXECUTOR_AND_BASH_VARIABLES);
      assertThat(seen.keySet()).isSubsetOf(allowed);
    } finally {
      clean.close();
    }
  }

  /** What the executor adds to a command's environment, and what bash adds itself. */
  private static final List<String> EXECUTOR_AND_BASH_VARIABLES =
      List.of(
          "HOME",
          CommandRequest.LC_METADATA,
          CommandRequest.LC_RESULT,
          CommandRequest.LC_STATUS,
          RunRecords.RUN_ID_VARIABLE,
          "PWD",
          "SHLVL",
          "_",
          "OLDPWD");

  @Test
  void defaultHostEnvironment_isTheJvmsAllowListOnly() {
    // lifecycle-spi-local's pom.xml sets LC_BACKUP_ID in the test JVM's environment
    assertThat(System.getenv(CommandRequest.LC_BACKUP_ID)).isNotNull();

    CommandResult r = run("env");

    Set<String> names = new HashSet<>();
    for (String line : r.stdoutTail().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        names.add(line.substring(0, eq));
      }
    }
    Set<String> allowed = new HashSet<>(LocalCommandExecutor.INHERITED_VARIABLES);
    allowed.addAll(request("env", Map.of(), LONG).environment().keySet());
    allowed.addAll(EXECUTOR_AND_BASH_VARIABLES);
    assertThat(names).isSubsetOf(allowed).contains("PATH", "HOME");
  }

  @Test
  void runWithARunKey_isRecordedWhileItRuns_andTheRecordGoesWhenItEnds() throws Exception {
    Path runs = home.nodeDirectory("demo-zk-1").resolve(RunRecords.RUNS_DIR);
    Path pid = home.nodeDirectory("demo-zk-1").resolve("self.pid");
    CompletableFuture<CommandResult> running =
        runKeyed("echo $$ > self.pid; sleep 1", "op-1/step-3");
    awaitFile(pid);

    // the script may write its pid before the executor has recorded the run
    Awaitility.await("the run's record")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<Path> records;
              try (var files = Files.list(runs)) {
                records = files.toList();
              }
              assertThat(records).hasSize(1);
              String shellPid = Files.readString(pid).strip();
              assertThat(shellPid).isNotEmpty();
              assertThat(Files.readString(records.get(0)))
                  .contains("\"run_key\" : \"op-1/step-3\"")
                  .contains("\"pid\" : " + shellPid)
                  .contains("\"process_group\" : " + shellPid)
                  .contains("started_at_ms");
              assertThat(Files.getPosixFilePermissions(records.get(0)))
                  .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            });

    assertThat(await(running).exitCode()).isZero();
    try (var files = Files.list(runs)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void fence_fromAnotherExecutor_killsTheProcessGroup_evenWhatLeftTheShellsTree() throws Exception {
    Path nodeDir = home.nodeDirectory("demo-zk-1");
    // the shell starts a sleep whose parent is gone at once (a subshell that exits): it is no
    // longer the shell's descendant, only a member of its process group
    CompletableFuture<CommandResult> running =
        runKeyed("(sleep 60 & echo $! > orphan.pid); echo $$ > self.pid; sleep 60", "op-1/step-1");
    awaitFile(nodeDir.resolve("self.pid"));
    awaitFile(nodeDir.resolve("orphan.pid"));
    long orphan = Long.parseLong(Files.readString(nodeDir.resolve("orphan.pid")).strip());
    long shell = Long.parseLong(Files.readString(nodeDir.resolve("self.pid")).strip());
    assertThat(ProcessHandle.of(shell).orElseThrow().descendants().map(ProcessHandle::pid))
        .doesNotContain(orphan);
    fenceFromAnotherExecutor("op-1/step-1", running, shell, orphan);
  }

  /** Runs a script with a run key, as the engine runs every command step. */
  private CompletableFuture<CommandResult> runKeyed(String script, String runKey) {
    return executor.run(request(script, Map.of(), LONG).toBuilder().runKey(runKey).build());
  }

  /**
   * Fences a run from a second executor on the same home, as a recovering engine does; then the
   * processes are gone, the run failed, and no run record is left.
   */
  private void fenceFromAnotherExecutor(
      String runKey, CompletableFuture<CommandResult> running, long... pids) throws Exception {
    LocalCommandExecutor other =
        new LocalCommandExecutor(home, pool, scheduler, Duration.ofMillis(300), Clock.systemUTC());
    try {
      await(other.fence(node, runKey));

      for (long pid : pids) {
        assertThat(ProcessHandle.of(pid).map(ProcessTree::alive).orElse(false))
            .as("process %d after the fence", pid)
            .isFalse();
      }
      assertThat(await(running).exitCode()).isNotZero();
      try (var files = Files.list(home.nodeDirectory("demo-zk-1").resolve(RunRecords.RUNS_DIR))) {
        assertThat(files.toList()).isEmpty();
      }
    } finally {
      other.close();
    }
  }

  @Test
  void fence_afterTheEngineDiedBeforeRecordingTheProcess_findsTheShellByItsRunId()
      throws Exception {
    Path nodeDir = home.nodeDirectory("demo-zk-1");
    CompletableFuture<CommandResult> running =
        runKeyed(
            "echo \"$LC_RUN_ID\" > run.id; sleep 60 & echo $! > child.pid; echo $$ > self.pid; wait",
            "op-1/step-4");
    awaitFile(nodeDir.resolve("self.pid"));
    awaitFile(nodeDir.resolve("child.pid"));
    long shell = Long.parseLong(Files.readString(nodeDir.resolve("self.pid")).strip());
    long child = Long.parseLong(Files.readString(nodeDir.resolve("child.pid")).strip());
    String runId = Files.readString(nodeDir.resolve("run.id")).strip();
    assertThat(runId).isNotEmpty();
    // what a kill -9 between starting the process and recording it leaves: no process record, and
    // the pending record of an engine that is gone
    Path runs = nodeDir.resolve(RunRecords.RUNS_DIR);
    Path record = RunRecords.recordFile(nodeDir, "op-1/step-4", shell);
    String name = record.getFileName().toString();
    Files.delete(record);
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(
        runs.resolve(
            name.substring(0, name.length() - (shell + ".json").length())
                + "pending-1-"
                + gone.pid()
                + ".json"),
        "{\"run_key\":\"op-1/step-4\",\"engine_pid\":"
            + gone.pid()
            + ",\"run_id\":\""
            + runId
            + "\"}");
    fenceFromAnotherExecutor("op-1/step-4", running, shell, child);
  }

  @Test
  void fence_afterTheRunEnded_leavesTheDaemonItStartedAlone() throws Exception {
    Path nodeDir = home.nodeDirectory("demo-zk-1");
    CommandResult r =
        await(
            runKeyed(
                "sleep 60 > /dev/null 2>&1 & echo $! > daemon.pid; echo $$ > self.pid",
                "op-1/step-2"));
    assertThat(r.exitCode()).isZero();
    long daemon = Long.parseLong(Files.readString(nodeDir.resolve("daemon.pid")).strip());
    long shell = Long.parseLong(Files.readString(nodeDir.resolve("self.pid")).strip());
    // the record an engine that died before it saw the run end would have left: the shell has
    // ended, its daemon lives on in its process group
    Path stale = RunRecords.recordFile(nodeDir, "op-1/step-2", shell);
    Files.writeString(
        stale,
        "{\"run_key\": \"op-1/step-2\", \"pid\": "
            + shell
            + ", \"process_group\": "
            + shell
            + "}\n");
    try {
      assertThat(ProcessTree.groupMembers(shell, null)).contains(ProcessHandle.of(daemon).get());

      await(executor.fence(node, "op-1/step-2"));

      assertThat(ProcessHandle.of(daemon).map(ProcessHandle::isAlive).orElse(false)).isTrue();
      assertThat(stale).doesNotExist();
    } finally {
      ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void nodeFilesAndDirectories_areOnlyTheOwners() throws Exception {
    Path nodeDir = home.nodeDirectory("demo-zk-1");
    await(
        executor.run(
            request(
                "echo data > \"$LC_BACKUP_DIR/artifact\"",
                Map.of(CommandRequest.LC_BACKUP_ARTIFACT, "b-1/demo-zk-1"),
                LONG)));

    for (Path d :
        List.of(
            home.root(),
            home.nodesDirectory(),
            home.metadataDirectory(),
            home.backupsDirectory(),
            nodeDir,
            nodeDir.resolve(NodeRecord.LOGS_DIR),
            home.backupsDirectory().resolve("b-1"),
            home.backupsDirectory().resolve("b-1").resolve("demo-zk-1"))) {
      assertThat(Files.getPosixFilePermissions(d))
          .as("mode of %s", d)
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
    try (var logs = Files.list(nodeDir.resolve(NodeRecord.LOGS_DIR))) {
      for (Path f : logs.toList()) {
        assertThat(Files.getPosixFilePermissions(f))
            .as("mode of %s", f)
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      }
    }
    assertThat(Files.getPosixFilePermissions(nodeDir.resolve(NodeRecord.RESOURCE_FILE)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void stdin_isEmpty() {
    CommandResult r = run("cat; echo done");

    assertThat(r.stdoutTail()).isEqualTo("done\n");
  }

  @Test
  void output_isKeptInLogFiles_andTheTailIsBounded() throws IOException {
    CommandResult r =
        run(
            "head -c 100000 /dev/zero | tr '\\0' a; echo END;"
                + " head -c 9000 /dev/zero | tr '\\0' b >&2");

    assertThat(r.stdoutTail()).hasSize(CommandResult.MAX_TAIL).endsWith("aaaEND\n");
    assertThat(r.stderrTail()).hasSize(CommandResult.MAX_TAIL).matches("b+");
    try (var logs = Files.list(home.nodeDirectory("demo-zk-1").resolve("logs"))) {
      assertThat(logs.filter(p -> p.toString().endsWith(".out")).findFirst().orElseThrow())
          .hasSize(100004);
    }
  }

  @Test
  void multiByteOutput_keepsWholeCharactersInTheTail() {
    CommandResult r = run("for i in $(seq 3000); do printf 'é€'; done");

    assertThat(r.stdoutTail()).hasSize(CommandResult.MAX_TAIL).matches("[é€]+").endsWith("é€");
  }

  @Test
  void timeout_killsTheCommandAndItsChildren() throws Exception {
    long start = System.nanoTime();
    CommandResult r =
        await(
            executor.run(
                request("sleep 30 & echo $! > child.pid; wait", Map.of(), Duration.ofMillis(300))));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.timedOut()).isTrue();
    assertThat(r.exitCode()).isEqualTo(CommandResult.TIMEOUT_EXIT_CODE);
    assertThat(took).isLessThan(Duration.ofSeconds(2));
    assertGone(home.nodeDirectory("demo-zk-1").resolve("child.pid"));
  }

  @Test
  void timeout_stopsTheScriptBeforeItsNextStatement() throws Exception {
    // Killing the children first woke the shell, which then ran its next statement: about one
    // command in twenty wrote its late file. Forty at once make that all but certain to show.
    int commands = 40;
    List<CompletableFuture<CommandResult>> runs = new ArrayList<>();
    for (int i = 0; i < commands; i++) {
      runs.add(
          executor.run(
              request(
                  "echo $$ > self-" + i + ".pid; sleep 30; echo late > late-" + i,
                  Map.of(),
                  Duration.ofMillis(300))));
    }
    Path nodeDir = home.nodeDirectory("demo-zk-1");

    for (int i = 0; i < commands; i++) {
      assertThat(await(runs.get(i)).timedOut()).isTrue();
      Path pid = nodeDir.resolve("self-" + i + ".pid");
      if (Files.exists(pid)) {
        assertGone(pid);
      }
    }

    for (int i = 0; i < commands; i++) {
      assertThat(nodeDir.resolve("late-" + i))
          .as("command %d ran on after it was killed", i)
          .doesNotExist();
    }
  }

  @Test
  void timeout_killsACommandThatIgnoresSigterm() {
    long start = System.nanoTime();
    CommandResult r =
        await(
            executor.run(
                request(
                    "trap '' TERM; sleep 30 & wait; sleep 30", Map.of(), Duration.ofMillis(300))));

    assertThat(r.timedOut()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void cancelling_killsTheCommandTree() throws Exception {
    CompletableFuture<CommandResult> running =
        executor.run(
            request("echo $$ > self.pid; sleep 30 & echo $! > child.pid; wait", Map.of(), LONG));
    Path nodeDir = home.nodeDirectory("demo-zk-1");
    awaitFile(nodeDir.resolve("child.pid"));

    assertThat(running.cancel(true)).isTrue();

    assertGone(nodeDir.resolve("self.pid"));
    assertGone(nodeDir.resolve("child.pid"));
  }

  @Test
  void aNodeWithoutDirectory_failsTheStage() {
    NodeResource ghost =
        NodeResource.builder()
            .ref(new NodeRef("c1", "ghost-1"))
            .role("zk")
            .instanceId("")
            .address("127.0.0.9")
            .cpu(1)
            .memory(1)
            .volumeSize(0)
            .volumeId("")
            .image("")
            .running(true)
            .tags(Map.of())
            .build();

    Throwable t =
        failure(
            executor.run(
                CommandRequest.builder()
                    .node(ghost)
                    .service("start")
                    .script("true")
                    .environment(Map.of())
                    .timeout(LONG)
                    .build()));

    assertThat(t).isInstanceOf(NotFoundException.class).hasMessageContaining("ghost-1");
  }

  @Test
  void close_killsRunningCommands() throws Exception {
    CompletableFuture<CommandResult> running =
        executor.run(request("echo $$ > self.pid; sleep 30", Map.of(), LONG));
    Path pid = home.nodeDirectory("demo-zk-1").resolve("self.pid");
    awaitFile(pid);

    executor.close();

    assertThat(failure(running)).hasMessageContaining("closed");
    assertGone(pid);
  }

  /** Waits until a process the command wrote down has ended. */
  private static void assertGone(Path pidFile) throws Exception {
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    var handle = ProcessHandle.of(pid);
    if (handle.isPresent()) {
      handle.get().onExit().get(10, TimeUnit.SECONDS);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("process %s is alive", pid)
        .isFalse();
  }

  /** Waits for a command to have written a file, polling because nothing signals it. */
  private static void awaitFile(Path file) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .untilAsserted(() -> assertThat(file).as("%s appears", file).isNotEmptyFile());
  }
}
