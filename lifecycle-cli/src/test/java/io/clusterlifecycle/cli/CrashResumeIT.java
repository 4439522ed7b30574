package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real crash test: the {@code lifecycle} CLI runs as a separate JVM, exactly as the {@code
 * ./lifecycle} launcher starts it ({@code java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar
 * lifecycle-cli.jar ...}), is killed with SIGKILL at many points of a 3-role, 9-node {@code create}
 * and of a 2-node {@code delete-nodes} (chosen by following its trace file live), and a new process
 * runs {@code recover}. Every run must end RUNNING with exactly the expected nodes: no duplicate or
 * orphaned node directories, addresses or metadata hosts, every node's {@code start} (and every
 * step of the delete) run at least once, every command that was in flight at the kill run again,
 * every operation record ended, and a second {@code recover} a no-op.
 *
 * <p>Commands the killed CLI had started keep running as orphans for up to 0.3 s, as they would
 * after a real {@code kill -9}; they are reaped after each kill point.
 */
class CrashResumeIT {
  private static final Path REPO =
      Path.of(System.getProperty("lifecycle.repo", "..")).toAbsolutePath().normalize();
  private static final Path JAR = REPO.resolve("lifecycle-cli/target/lifecycle-cli.jar");
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /** The JVM options the ./lifecycle launcher uses by default (LIFECYCLE_JAVA_OPTS unset). */
  private static final List<String> LAUNCHER_JAVA_OPTS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private static final Duration KILL_DEADLINE = Duration.ofSeconds(20);
  private static final Duration RUN_DEADLINE = Duration.ofSeconds(90);

  /** How often a running CLI's trace (and, for one kill point, its cluster record) is polled. */
  private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLUSTER = "demo";
  private static final List<String> ALL_NODES =
      List.of(
          "demo-a-1",
          "demo-a-2",
          "demo-a-3",
          "demo-b-1",
          "demo-b-2",
          "demo-b-3",
          "demo-c-1",
          "demo-c-2",
          "demo-c-3");
  private static final List<String> LEAVING = List.of("demo-b-1", "demo-b-2");
  private static final List<String> REMAINING =
      ALL_NODES.stream().filter(n -> !LEAVING.contains(n)).toList();

  /** Kill points per scenario that must really interrupt the operation (not land after it). */
  private static final int MIN_INTERRUPTED = 10;

  /** Every process this test started, and the children the killed ones left behind. */
  private static final Set<ProcessHandle> SPAWNED = ConcurrentHashMap.newKeySet();

  private static final List<String> SUMMARY = new CopyOnWriteArrayList<>();

  @TempDir static Path work;
  private static Path spec;
  private static long startedAt;

  /** When to kill: looks at the complete trace lines so far and, if it needs, at the home. */
  @FunctionalInterface
  interface When {
    boolean test(List<JsonNode> events, Path home);
  }

  record KillPoint(String name, When when) {}

  record Result(int code, String out, String err) {}

  /**
   * What the trace showed when the CLI died, how it died, the operation the cluster record still
   * named as under way (empty when the record shows the operation ended), and whether that
   * operation's own record had already ended (the engine ends it first, then the cluster's).
   */
  record Death(
      List<JsonNode> events,
      boolean killed,
      int exitCode,
      String recordedOperation,
      boolean operationEnded) {
    boolean interrupted() {
      return killed && !recordedOperation.isEmpty();
    }

    String describe() {
      JsonNode last = events.isEmpty() ? null : events.get(events.size() - 1);
      String how =
          killed
              ? "SIGKILL (exit " + exitCode + ")"
              : "process had already exited by itself (exit " + exitCode + ")";
      return how
          + " after "
          + (last == null ? "no event" : brief(last))
          + "; in flight: "
          + (inFlight(events).isEmpty()
              ? "-"
              : inFlight(events).stream()
                  .map(e -> text(e, "service") + "@" + text(e, "node"))
                  .collect(Collectors.joining(",")))
          + "; record: "
          + (recordedOperation.isEmpty()
              ? "no operation under way"
              : operationEnded
                  ? "names its operation, whose own record has ended"
                  : "operation under way");
    }
  }

  @BeforeAll
  static void jarAndSpec() throws IOException {
    assertThat(JAR).as("the shaded CLI jar; build it with mvn package first").isRegularFile();
    spec = work.resolve("three-roles.yaml");
    try (InputStream in = CrashResumeIT.class.getResourceAsStream("/crash/three-roles.yaml")) {
      assertThat(in).as("crash/three-roles.yaml on the test class path").isNotNull();
      Files.copy(in, spec);
    }
    startedAt = System.nanoTime();
  }

  @AfterAll
  static void summaryAndNoProcessLeft() {
    System.out.println(
        "==== CrashResumeIT summary ("
            + SUMMARY.size()
            + " kill points, "
            + (System.nanoTime() - startedAt) / 1_000_000
            + " ms) ====");
    SUMMARY.forEach(System.out::println);
    List<ProcessHandle> alive = reapAll();
    assertThat(alive).as("CLI processes or commands still running after the test").isEmpty();
  }

  // ------------------------------------------------------------------------------ create

  static List<KillPoint> createKillPoints() {
    return List.of(
        new KillPoint("OPERATION_STARTED (before any resource)", after("OPERATION_STARTED", 1)),
        new KillPoint("1st RESOURCE_CREATED", after("RESOURCE_CREATED", 1)),
        new KillPoint("5th RESOURCE_CREATED (mid create resources)", after("RESOURCE_CREATED", 5)),
        new KillPoint(
            "STAGE_FINISHED create resources (between stages)",
            stage("STAGE_FINISHED", "create resources")),
        new KillPoint(
            "STAGE_FINISHED publish metadata (between stages)",
            stage("STAGE_FINISHED", "publish metadata")),
        new KillPoint("mid init: 9 init commands running", running("init", "init", 9, 0)),
        new KillPoint(
            "mid start (order 0): a-* starts running", running("start (order 0)", "start", 3, 0)),
        new KillPoint(
            "STAGE_FINISHED start (order 0) (between stages)",
            stage("STAGE_FINISHED", "start (order 0)")),
        new KillPoint(
            "mid start (order 1): b-* starts running, none finished",
            running("start (order 1)", "start", 3, 0)),
        new KillPoint(
            "mid start (order 1): 1 of 3 b-* starts finished",
            running("start (order 1)", "start", 3, 1)),
        new KillPoint(
            "mid start (order 2): c-* starts running", running("start (order 2)", "start", 1, 0)),
        new KillPoint(
            "STAGE_FINISHED start (order 2) (last stage done)",
            stage("STAGE_FINISHED", "start (order 2)")),
        new KillPoint(
            "cluster record ended (RUNNING, no operation under way)",
            recordEnded("OPERATION_STARTED")),
        new KillPoint("STATE_CHANGED DEPLOYING->RUNNING (end of operation)", stateTo("RUNNING")));
  }

  @TestFactory
  Stream<DynamicTest> create_killedAnywhere_recoverEndsRunningWithExactlyTheNineNodes() {
    List<KillPoint> points = createKillPoints();
    List<Death> deaths = new CopyOnWriteArrayList<>();
    Stream<DynamicTest> each =
        java.util.stream.IntStream.range(0, points.size())
            .mapToObj(
                i ->
                    DynamicTest.dynamicTest(
                        String.format("create kill #%02d: %s", i + 1, points.get(i).name()),
                        () -> deaths.add(createKilledAt(i + 1, points.get(i)))));
    return Stream.concat(
        each,
        Stream.of(
            DynamicTest.dynamicTest(
                "create: at least " + MIN_INTERRUPTED + " kill points interrupted the operation",
                () ->
                    assertThat(deaths.stream().filter(Death::interrupted).count())
                        .as(deaths.stream().map(Death::describe).collect(Collectors.joining("\n")))
                        .isGreaterThanOrEqualTo(MIN_INTERRUPTED))));
  }

  private Death createKilledAt(int index, KillPoint point) throws Exception {
    Path dir = Files.createDirectories(work.resolve(String.format("create-%02d", index)));
    Path home = dir.resolve("home");
    Path crashTrace = dir.resolve("create.jsonl");
    Path recoverTrace = dir.resolve("recover.jsonl");
    String label = String.format("[create #%02d] \"%s\"", index, point.name());
    Death death = null;
    Result recovered = null;
    Process crashing =
        start(dir, "create", home, crashTrace, "create", spec.toString(), "--name", CLUSTER);
    try {
      death = killWhen(crashing, home, crashTrace, point);
      recovered = run(dir, "recover", home, recoverTrace, "recover", CLUSTER);
      List<JsonNode> recoverEvents = readTrace(recoverTrace);
      String what =
          label
              + ": "
              + death.describe()
              + " | recover: exit "
              + recovered.code()
              + ", "
              + recoverSummary(recoverEvents);
      System.out.println(what);
      try {
        assertThat(recovered.code()).as("recover exit code\n" + recovered).isZero();
        checkRecoverTrace(death, recoverEvents);
        String clusterId = death.events().get(0).get("cluster").asText();
        checkCluster(dir, home, clusterId, ALL_NODES, List.of());
        for (String node : ALL_NODES) {
          assertThat(finished(death.events(), recoverEvents, "start", node))
              .as(
                  "start on "
                      + node
                      + " recorded as finished (exit 0) by the crashed create or"
                      + " by recover")
              .isTrue();
        }
        checkSecondRecoverIsNoOp(dir, home);
        SUMMARY.add(what + " -> PASS");
      } catch (AssertionError e) {
        SUMMARY.add(what + " -> FAIL: " + firstLine(e.getMessage()));
        throw new AssertionError(
            label
                + " failed\n"
                + e.getMessage()
                + "\n"
                + evidence(death, crashTrace, recovered, recoverTrace),
            e);
      }
      return death;
    } catch (AssertionError e) {
      if (death == null) {
        SUMMARY.add(label + " -> FAIL before recover: " + firstLine(e.getMessage()));
      }
      throw e;
    } finally {
      crashing.destroyForcibly();
      reapAll();
    }
  }

  // ------------------------------------------------------------------------- delete-nodes

  static List<KillPoint> deleteKillPoints() {
    return List.of(
        new KillPoint("OPERATION_STARTED (before publish)", after("OPERATION_STARTED", 1)),
        new KillPoint("METADATA_PUT /deleting-hosts (after publish)", after("METADATA_PUT", 1)),
        new KillPoint("mid scale_in on demo-b-3", running("scale_in", "scale_in", 1, 0)),
        new KillPoint("mid stop: both leaving nodes' stop running", running("stop", "stop", 2, 0)),
        new KillPoint("mid stop: 1 of 2 stops finished", running("stop", "stop", 2, 1)),
        new KillPoint("STAGE_FINISHED stop (between stages)", stage("STAGE_FINISHED", "stop")),
        new KillPoint("mid destroy: both destroys running", running("destroy", "destroy", 2, 0)),
        new KillPoint(
            "STAGE_FINISHED destroy (before delete resources)", stage("STAGE_FINISHED", "destroy")),
        new KillPoint("1st RESOURCE_DELETED (mid delete resources)", after("RESOURCE_DELETED", 1)),
        new KillPoint(
            "STAGE_FINISHED delete resources (after delete resources)",
            stage("STAGE_FINISHED", "delete resources")),
        new KillPoint(
            "1st METADATA_DELETED (after unpublish /hosts)", after("METADATA_DELETED", 1)),
        new KillPoint(
            "cluster record ended (RUNNING, no operation under way)", recordEnded("STATE_CHANGED")),
        new KillPoint("STATE_CHANGED SCALING->RUNNING (end of operation)", stateTo("RUNNING")));
  }

  @TestFactory
  Stream<DynamicTest> deleteNodes_killedAnywhere_recoverEndsRunningWithExactlySevenNodes() {
    List<KillPoint> points = deleteKillPoints();
    List<Death> deaths = new CopyOnWriteArrayList<>();
    Stream<DynamicTest> each =
        java.util.stream.IntStream.range(0, points.size())
            .mapToObj(
                i ->
                    DynamicTest.dynamicTest(
                        String.format("delete-nodes kill #%02d: %s", i + 1, points.get(i).name()),
                        () -> deaths.add(deleteKilledAt(i + 1, points.get(i)))));
    return Stream.concat(
        each,
        Stream.of(
            DynamicTest.dynamicTest(
                "delete-nodes: at least "
                    + MIN_INTERRUPTED
                    + " kill points interrupted the operation",
                () ->
                    assertThat(deaths.stream().filter(Death::interrupted).count())
                        .as(deaths.stream().map(Death::describe).collect(Collectors.joining("\n")))
                        .isGreaterThanOrEqualTo(MIN_INTERRUPTED))));
  }

  private Death deleteKilledAt(int index, KillPoint point) throws Exception {
    Path dir = Files.createDirectories(work.resolve(String.format("delete-%02d", index)));
    Path home = dir.resolve("home");
    Path crashTrace = dir.resolve("delete-nodes.jsonl");
    Path recoverTrace = dir.resolve("recover.jsonl");
    String label = String.format("[delete-nodes #%02d] \"%s\"", index, point.name());
    Result created =
        run(
            dir,
            "create",
            home,
            dir.resolve("create.jsonl"),
            "create",
            spec.toString(),
            "--name",
            CLUSTER);
    assertThat(created.code())
        .as("uninterrupted create before the delete-nodes\n" + created)
        .isZero();
    Death death = null;
    Result recovered = null;
    List<String> args = new ArrayList<>(List.of("delete-nodes", CLUSTER));
    args.addAll(LEAVING);
    Process crashing = start(dir, "delete-nodes", home, crashTrace, args.toArray(String[]::new));
    try {
      death = killWhen(crashing, home, crashTrace, point);
      recovered = run(dir, "recover", home, recoverTrace, "recover", CLUSTER);
      List<JsonNode> recoverEvents = readTrace(recoverTrace);
      String what =
          label
              + ": "
              + death.describe()
              + " | recover: exit "
              + recovered.code()
              + ", "
              + recoverSummary(recoverEvents);
      System.out.println(what);
      try {
        assertThat(recovered.code()).as("recover exit code\n" + recovered).isZero();
        checkRecoverTrace(death, recoverEvents);
        String clusterId = death.events().get(0).get("cluster").asText();
        checkCluster(dir, home, clusterId, REMAINING, LEAVING);
        assertThat(finished(death.events(), recoverEvents, "scale_in", "demo-b-3"))
            .as("scale_in on the remaining demo-b-3 recorded as finished")
            .isTrue();
        for (String node : LEAVING) {
          for (String service : List.of("stop", "destroy")) {
            assertThat(finished(death.events(), recoverEvents, service, node))
                .as(service + " on leaving " + node + " recorded as finished")
                .isTrue();
          }
          assertThat(
                  Stream.concat(death.events().stream(), recoverEvents.stream())
                      .anyMatch(e -> is(e, "RESOURCE_DELETED") && node.equals(text(e, "node"))))
              .as("RESOURCE_DELETED for " + node)
              .isTrue();
        }
        checkSecondRecoverIsNoOp(dir, home);
        SUMMARY.add(what + " -> PASS");
      } catch (AssertionError e) {
        SUMMARY.add(what + " -> FAIL: " + firstLine(e.getMessage()));
        throw new AssertionError(
            label
                + " failed\n"
                + e.getMessage()
                + "\n"
                + evidence(death, crashTrace, recovered, recoverTrace),
            e);
      }
      return death;
    } catch (AssertionError e) {
      if (death == null) {
        SUMMARY.add(label + " -> FAIL before recover: " + firstLine(e.getMessage()));
      }
      throw e;
    } finally {
      crashing.destroyForcibly();
      reapAll();
    }
  }

  // ------------------------------------------------------------------------------ checks

  /** A resumed operation ran to success; one that had ended is not resumed again. */
  private static void checkRecoverTrace(Death death, List<JsonNode> recoverEvents) {
    boolean resumed = recoverEvents.stream().anyMatch(e -> is(e, "OPERATION_STARTED"));
    if (death.recordedOperation().isEmpty()) {
      assertThat(resumed)
          .as("recover after the records show the operation ended resumes nothing")
          .isFalse();
    } else if (death.operationEnded()) {
      assertThat(resumed)
          .as(
              "recover completes the cluster record of operation "
                  + death.recordedOperation()
                  + ", which had ended, without running it again")
          .isFalse();
    } else {
      assertThat(resumed)
          .as("recover resumed the interrupted operation " + death.recordedOperation())
          .isTrue();
    }
    if (resumed) {
      assertThat(recoverEvents.get(recoverEvents.size() - 1).get("event").asText())
          .as("last event of the resumed operation")
          .isEqualTo("OPERATION_SUCCEEDED");
    }
    // commands are at-least-once: one started but not recorded as finished runs again
    for (JsonNode e : inFlight(death.events())) {
      assertThat(
              recoverEvents.stream()
                  .anyMatch(
                      r ->
                          is(r, "COMMAND_STARTED")
                              && text(r, "node").equals(text(e, "node"))
                              && text(r, "service").equals(text(e, "service"))
                              && text(r, "stage").equals(text(e, "stage"))))
          .as(
              "the "
                  + text(e, "service")
                  + " on "
                  + text(e, "node")
                  + " in flight at the kill ("
                  + text(e, "stage")
                  + ") is run again by recover")
          .isTrue();
    }
  }

  /**
   * Checks the cluster's records and the local infrastructure: RUNNING, exactly the expected nodes
   * (all RUNNING, distinct addresses), one directory per node and no other, every node's start ran
   * (its started.log is not empty), no address or metadata host left for a node that does not
   * exist, no /deleting-hosts left.
   */
  private static void checkCluster(
      Path dir, Path home, String clusterId, List<String> expected, List<String> gone)
      throws Exception {
    Result shown = run(dir, "show", home, null, "--json", "show", CLUSTER);
    assertThat(shown.code()).as("show exit code\n" + shown).isZero();
    JsonNode c = JSON.readTree(shown.out());
    assertThat(c.get("id").asText()).as("cluster id").isEqualTo(clusterId);
    assertThat(c.get("state").asText()).as("cluster state\n" + shown.out()).isEqualTo("RUNNING");
    List<String> ids = new ArrayList<>();
    Set<String> ips = new TreeSet<>();
    for (JsonNode n : c.get("nodes")) {
      ids.add(n.get("id").asText());
      assertThat(n.get("state").asText()).as("state of node " + n.get("id")).isEqualTo("RUNNING");
      String ip = n.path("ip").asText("");
      assertThat(ip).as("ip of node " + n.get("id")).isNotBlank();
      assertThat(ips.add(ip)).as("ip " + ip + " of node " + n.get("id") + " is unique").isTrue();
    }
    assertThat(ids).as("node ids in show --json").containsExactlyInAnyOrderElementsOf(expected);

    Path nodesDir = home.resolve("nodes");
    List<String> dirs;
    try (Stream<Path> list = Files.list(nodesDir)) {
      dirs = list.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(dirs)
        .as("node directories under " + nodesDir + " (no duplicates, no orphans)")
        .containsExactlyInAnyOrderElementsOf(expected);
    for (String node : gone) {
      assertThat(nodesDir.resolve(node)).as("directory of deleted node " + node).doesNotExist();
    }
    for (String node : expected) {
      Path started = nodesDir.resolve(node).resolve("started.log");
      assertThat(started).as("start ran on " + node).isRegularFile();
      assertThat(Files.size(started)).as("start ran on " + node + ": " + started).isPositive();
    }

    // no leaked address, no metadata host for a node that is gone
    JsonNode addresses = JSON.readTree(home.resolve("addresses.json").toFile()).path("nodes");
    Set<String> addressed = new TreeSet<>();
    addresses.fieldNames().forEachRemaining(addressed::add);
    assertThat(addressed)
        .as("nodes holding an address in addresses.json")
        .containsExactlyInAnyOrderElementsOf(expected);
    JsonNode keys = JSON.readTree(home.resolve("metadata/tree.json").toFile()).path("keys");
    Set<String> hosts = new TreeSet<>();
    List<String> deleting = new ArrayList<>();
    String prefix = "/clusters/" + clusterId + "/";
    for (Iterator<String> it = keys.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.startsWith(prefix)) {
        continue;
      }
      String[] parts = key.substring(prefix.length()).split("/");
      if (parts[0].equals("hosts") && parts.length >= 3) {
        hosts.add(parts[2]);
      } else if (parts[0].equals("deleting-hosts")) {
        deleting.add(key);
      }
    }
    assertThat(hosts)
        .as("nodes published under /hosts")
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(deleting).as("keys left under /deleting-hosts").isEmpty();

    // every operation ended: none left "running forever" in the records
    Map<String, String> operations = new TreeMap<>();
    for (JsonNode op : records(home, "SELECT doc FROM operations")) {
      operations.put(text(op, "id") + " " + text(op, "type"), text(op, "state"));
    }
    assertThat(operations).as("operation records").isNotEmpty();
    assertThat(operations)
        .as("operation records (id type -> state)")
        .allSatisfy((id, state) -> assertThat(state).as(id).isEqualTo("SUCCEEDED"));
  }

  private static void checkSecondRecoverIsNoOp(Path dir, Path home) throws Exception {
    Path trace = dir.resolve("recover-again.jsonl");
    Result again = run(dir, "recover-again", home, trace, "recover", CLUSTER);
    assertThat(again.code()).as("second recover exit code\n" + again).isZero();
    assertThat(readTrace(trace).stream().map(e -> e.get("event").asText()).toList())
        .as("second recover resumes nothing")
        .doesNotContain(
            "OPERATION_STARTED", "COMMAND_STARTED", "RESOURCE_CREATED", "RESOURCE_DELETED");
  }

  private static boolean finished(
      List<JsonNode> crashed, List<JsonNode> recovered, String service, String node) {
    return Stream.concat(crashed.stream(), recovered.stream())
        .anyMatch(
            e ->
                is(e, "COMMAND_FINISHED")
                    && service.equals(text(e, "service"))
                    && node.equals(text(e, "node"))
                    && e.path("exit_code").asInt(-1) == 0);
  }

  private static String recoverSummary(List<JsonNode> events) {
    List<JsonNode> started = events.stream().filter(e -> is(e, "OPERATION_STARTED")).toList();
    if (started.isEmpty()) {
      return "no-op (no operation to resume; " + events.size() + " events)";
    }
    Map<String, Integer> commands = new TreeMap<>();
    events.stream()
        .filter(e -> is(e, "COMMAND_STARTED"))
        .forEach(e -> commands.merge(text(e, "service"), 1, Integer::sum));
    long created = events.stream().filter(e -> is(e, "RESOURCE_CREATED")).count();
    long deleted = events.stream().filter(e -> is(e, "RESOURCE_DELETED")).count();
    long stages = events.stream().filter(e -> is(e, "STAGE_STARTED")).count();
    JsonNode last = events.get(events.size() - 1);
    return "\""
        + text(started.get(0), "message")
        + "\", "
        + stages
        + " stages, commands "
        + (commands.isEmpty()
            ? "none"
            : commands.entrySet().stream()
                .map(x -> x.getKey() + "x" + x.getValue())
                .collect(Collectors.joining(" ")))
        + ", resources +"
        + created
        + "/-"
        + deleted
        + ", ended "
        + text(last, "event");
  }

  private static String evidence(
      Death death, Path crashTrace, Result recovered, Path recoverTrace) {
    StringBuilder b = new StringBuilder();
    b.append("--- crashed CLI: ").append(death == null ? "?" : death.describe()).append('\n');
    b.append("--- tail of ").append(crashTrace).append('\n').append(tail(crashTrace, 12));
    b.append("--- recover: ").append(recovered).append('\n');
    b.append("--- ").append(recoverTrace).append('\n').append(tail(recoverTrace, 40));
    return b.toString();
  }

  // ------------------------------------------------------------------ kill-point predicates

  /** The n-th event of a kind has been written. */
  static When after(String event, int n) {
    return (events, home) -> events.stream().filter(e -> is(e, event)).count() >= n;
  }

  /** An event of a kind for a stage whose name starts with the given text has been written. */
  static When stage(String event, String stagePrefix) {
    return (events, home) ->
        events.stream().anyMatch(e -> is(e, event) && text(e, "stage").startsWith(stagePrefix));
  }

  static When stateTo(String state) {
    return (events, home) ->
        events.stream().anyMatch(e -> is(e, "STATE_CHANGED") && state.equals(text(e, "to")));
  }

  /**
   * In a stage whose name starts with the given text, at least {@code minStarted} commands of the
   * service started, at least {@code minFinished} finished, and at least one is still running.
   */
  static When running(String stagePrefix, String service, int minStarted, int minFinished) {
    return (events, home) -> {
      List<JsonNode> mine =
          events.stream()
              .filter(
                  e ->
                      text(e, "stage").startsWith(stagePrefix)
                          && service.equals(text(e, "service")))
              .toList();
      long started = mine.stream().filter(e -> is(e, "COMMAND_STARTED")).count();
      long finished = mine.stream().filter(e -> is(e, "COMMAND_FINISHED")).count();
      return started >= minStarted && finished >= minFinished && started > finished;
    };
  }

  /**
   * The operation has begun (the trace shows the given event) and the cluster record already says
   * RUNNING with no operation under way. Polled every millisecond, this usually lands between the
   * cluster record's end and the operation record's end, before the trace reports either; when it
   * lands later it is just one more kill after the end.
   */
  static When recordEnded(String begunEvent) {
    return (events, home) ->
        events.stream().anyMatch(e -> is(e, begunEvent))
            && clusterRecord(home)
                .map(c -> "RUNNING".equals(text(c, "state")) && text(c, "operation").isEmpty())
                .orElse(false);
  }

  /** The cluster record in a home's SQLite store, if there is exactly one readable. */
  static java.util.Optional<JsonNode> clusterRecord(Path home) {
    List<JsonNode> docs = records(home, "SELECT doc FROM clusters");
    return docs.size() == 1 ? java.util.Optional.of(docs.get(0)) : java.util.Optional.empty();
  }

  /**
   * Reads JSON documents from a home's SQLite store, read-only; empty while the store does not
   * exist yet or is busy.
   */
  static List<JsonNode> records(Path home, String query) {
    Path db = home.resolve("lifecycle.db");
    if (!Files.exists(db)) {
      return List.of();
    }
    List<JsonNode> out = new java.util.ArrayList<>();
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery(query)) {
      while (rs.next()) {
        out.add(JSON.readTree(rs.getString(1)));
      }
      return out;
    } catch (java.sql.SQLException | IOException e) {
      return List.of(); // not created yet, or being written
    }
  }

  /** Commands started and not (yet) recorded as finished in a trace. */
  static List<JsonNode> inFlight(List<JsonNode> events) {
    Map<String, JsonNode> open = new java.util.LinkedHashMap<>();
    for (JsonNode e : events) {
      String key =
          text(e, "operation")
              + "|"
              + text(e, "stage")
              + "|"
              + text(e, "node")
              + "|"
              + text(e, "service");
      if (is(e, "COMMAND_STARTED")) {
        open.put(key, e);
      } else if (is(e, "COMMAND_FINISHED")) {
        open.remove(key);
      }
    }
    return List.copyOf(open.values());
  }

  // --------------------------------------------------------------------- processes, traces

  /** Follows the trace of a running CLI and kills it with SIGKILL once the point is reached. */
  private static Death killWhen(Process p, Path home, Path trace, KillPoint point)
      throws Exception {
    long deadline = System.nanoTime() + KILL_DEADLINE.toNanos();
    TraceFollower follower = new TraceFollower(trace);
    while (true) {
      if (point.when().test(follower.poll(), home)) {
        break;
      }
      if (!p.isAlive()) {
        List<JsonNode> events = follower.poll();
        if (point.when().test(events, home)) {
          break;
        }
        fail(
            "the CLI exited (code "
                + p.exitValue()
                + ") without reaching kill point \""
                + point.name()
                + "\"; trace tail:\n"
                + tail(trace, 12));
      }
      if (System.nanoTime() > deadline) {
        fail(
            "kill point \""
                + point.name()
                + "\" not reached within "
                + KILL_DEADLINE
                + "; trace tail:\n"
                + tail(trace, 12));
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    List<ProcessHandle> children = p.descendants().toList();
    SPAWNED.addAll(children);
    boolean wasAlive = p.isAlive();
    p.destroyForcibly(); // SIGKILL on Linux
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("the killed CLI is dead").isTrue();
    assertThat(p.isAlive()).isFalse();
    int code = p.exitValue();
    // 128 + SIGKILL(9); a process that exited on its own in the meantime reports its own code
    boolean killed = wasAlive && code == 137;
    String operation =
        clusterRecord(home)
            .map(c -> text(c, "operation"))
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no readable cluster record in " + home + " after the kill"));
    boolean ended =
        !operation.isEmpty()
            && records(
                    home,
                    "SELECT doc FROM operations WHERE id = '" + operation.replace("'", "''") + "'")
                .stream()
                .anyMatch(o -> o.hasNonNull("ended_at") && !text(o, "ended_at").isEmpty());
    return new Death(readTrace(trace), killed, code, operation, ended);
  }

  private static Process start(Path dir, String name, Path home, Path trace, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(JAVA));
    command.addAll(LAUNCHER_JAVA_OPTS);
    command.addAll(List.of("-jar", JAR.toString(), "--home", home.toString()));
    if (trace != null) {
      command.addAll(List.of("--trace", trace.toString()));
    }
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile())
            .start();
    SPAWNED.add(p.toHandle());
    p.getOutputStream().close();
    return p;
  }

  private static Result run(Path dir, String name, Path home, Path trace, String... args)
      throws IOException, InterruptedException {
    Process p = start(dir, name, home, trace, args);
    try {
      if (!p.waitFor(RUN_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        SPAWNED.addAll(p.descendants().toList());
        fail(
            "lifecycle "
                + String.join(" ", args)
                + " did not finish within "
                + RUN_DEADLINE
                + "; trace tail:\n"
                + (trace == null ? "" : tail(trace, 12)));
      }
      return new Result(
          p.exitValue(),
          Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8),
          Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  /** Kills whatever this test started that still runs; returns what did not die. */
  private static List<ProcessHandle> reapAll() {
    List<ProcessHandle> alive = new ArrayList<>();
    for (ProcessHandle h : SPAWNED) {
      if (h.isAlive()) {
        alive.add(h);
        h.descendants().forEach(ProcessHandle::destroyForcibly);
        h.destroyForcibly();
      }
    }
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> alive.stream().noneMatch(ProcessHandle::isAlive));
    } catch (ConditionTimeoutException e) {
      // the survivors are returned: the caller says which
    }
    SPAWNED.removeIf(h -> !h.isAlive());
    return alive.stream().filter(ProcessHandle::isAlive).toList();
  }

  /**
   * Follows a trace file that a live process appends to: each poll parses only the complete lines
   * added since the last one (an unterminated last line is still being written).
   */
  static final class TraceFollower {
    private final Path file;
    private long offset;
    private final List<JsonNode> events = new ArrayList<>();

    TraceFollower(Path file) {
      this.file = file;
    }

    List<JsonNode> poll() {
      if (!Files.exists(file)) {
        return List.of();
      }
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
        long size = ch.size();
        if (size > offset) {
          java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (size - offset));
          while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
            // read what is there
          }
          byte[] bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
          int end = -1;
          for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
              end = i;
              break;
            }
          }
          if (end >= 0) {
            String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
              if (!line.isBlank()) {
                try {
                  events.add(JSON.readTree(line));
                } catch (IOException e) {
                  throw new AssertionError(
                      "torn or invalid trace line in " + file + ": " + line, e);
                }
              }
            }
            offset += end + 1;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return List.copyOf(events);
    }
  }

  /** The complete lines of a trace file (an unterminated last line is still being written). */
  static List<JsonNode> readTrace(Path trace) {
    if (!Files.exists(trace)) {
      return List.of();
    }
    String text;
    try {
      text = Files.readString(trace, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return List.of();
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : text.substring(0, end).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        events.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new AssertionError("torn or invalid trace line in " + trace + ": " + line, e);
      }
    }
    return events;
  }

  private static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(no file)\n";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
          .map(CrashResumeIT::compact)
          .collect(Collectors.joining("\n", "", "\n"));
    } catch (IOException e) {
      return "(unreadable: " + e + ")\n";
    }
  }

  /** A trace line without the fields that are the same on every line. */
  private static String compact(String line) {
    try {
      return brief(JSON.readTree(line));
    } catch (IOException e) {
      return line;
    }
  }

  private static String brief(JsonNode e) {
    StringBuilder b = new StringBuilder("#" + e.path("seq").asText() + " " + text(e, "event"));
    for (String f :
        List.of("stage", "node", "service", "exit_code", "from", "to", "path", "message")) {
      if (e.hasNonNull(f)) {
        b.append(' ').append(f).append('=').append(e.get(f).asText());
      }
    }
    return b.toString();
  }

  private static boolean is(JsonNode e, String event) {
    return event.equals(text(e, "event"));
  }

  private static String text(JsonNode e, String field) {
    return e.path(field).asText("");
  }

  /** The start of an assertion message on one line, for the summary. */
  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip().replaceAll("\\s+", " ");
    return t.length() <= 240 ? t : t.substring(0, 240) + " ...";
  }
}
