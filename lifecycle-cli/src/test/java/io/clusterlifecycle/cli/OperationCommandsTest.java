package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands after create (scale-vertical, upgrade, rollback, stop, start, restart, run, backup,
 * backups, restore, promote, add-role, remove-role) in-process on a temporary home.
 */
class OperationCommandsTest {
  /** A small app whose scripts only write files in their node's directory. */
  static final String KV =
      """
      name: kv
      version: "1.0"
      roles:
        - role: db
          count: 3
          cpu: 1
          memory: 512
          volume: {size: 1, mount_point: /data}
          vertical_scaling_policy: sequential
          upgrading_policy: sequential
          services:
            start: {cmd: 'echo "start $LC_APP_VERSION" >> log'}
            stop: {cmd: 'echo stop >> log'}
            restart: {cmd: 'echo restart >> log'}
            upgrade: {cmd: 'echo "upgrade $LC_APP_VERSION" >> log'}
            backup: {cmd: 'echo "$LC_NODE_ID" > "$LC_BACKUP_DIR/data"'}
            restore: {cmd: 'cp "$LC_BACKUP_DIR/data" restored'}
            promote: {cmd: 'echo promoted > promoted'}
            compact: {cmd: 'echo compacted >> log'}
      """;

  /** A spec file that defines the role add-role takes. */
  static final String CACHE =
      """
      name: kv
      version: "1.0"
      roles:
        - role: cache
          count: 2
          services:
            start: {cmd: 'echo start >> log'}
            stop: {cmd: 'echo stop >> log'}
      """;

  @TempDir Path home;

  @TempDir Path specDir;

  Path kv;
  Path kv11;
  Path cache;

  @BeforeEach
  void writeSpecs() throws IOException {
    kv = Files.writeString(specDir.resolve("kv.yaml"), KV);
    kv11 =
        Files.writeString(
            specDir.resolve("kv-1.1.yaml"), KV.replace("version: \"1.0\"", "version: \"1.1\""));
    cache = Files.writeString(specDir.resolve("cache.yaml"), CACHE);
  }

  LifecycleCliTest.Result run(String... args) {
    return new HomeCli(home).run(args);
  }

  /** Runs a command that must succeed and returns its output. */
  String ok(String... args) {
    return new HomeCli(home).ok(args);
  }

  /** Runs a command that must exit with {@code expected}; returns its stderr. */
  String exits(int expected, String... args) {
    return new HomeCli(home).exits(expected, args);
  }

  JsonNode show(String cluster) throws IOException {
    return new ObjectMapper().readTree(ok("--json", "show", cluster));
  }

  /** The operation type of {@code plan CLUSTER --op OP ARGS... --format json}. */
  String planType(String cluster, String op, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("plan", cluster, "--op", op, "--format", "json"));
    all.addAll(List.of(args));
    return new ObjectMapper().readTree(ok(all.toArray(String[]::new))).get("type").asText();
  }

  static List<String> nodeValues(JsonNode cluster, String field) {
    List<String> values = new ArrayList<>();
    cluster.get("nodes").forEach(n -> values.add(n.get(field).asText()));
    return values;
  }

  String log(String node) throws IOException {
    return Files.readString(home.resolve("nodes").resolve(node).resolve("log"));
  }

  @Test
  void badInput_exitsTwo_beforeTheHomeIsOpened() throws IOException {
    assertThat(exits(ExitCodes.BAD_INPUT, "scale-vertical", "k", "--role", "db"))
        .contains("--role db: give at least one of --cpu, --memory, --volume");
    exits(
        ExitCodes.BAD_INPUT, "scale-vertical", "k", "--role", "db", "--cpu", "2", "--role", "web");
    exits(ExitCodes.BAD_INPUT, "scale-vertical", "k", "--cpu", "2");
    exits(ExitCodes.BAD_INPUT, "scale-vertical", "k");
    exits(ExitCodes.BAD_INPUT, "scale-vertical", "k", "--role", "db", "--cpu", "two");

    exits(ExitCodes.BAD_INPUT, "upgrade", "k");
    exits(ExitCodes.BAD_INPUT, "upgrade", "k", specDir.resolve("missing.yaml").toString());
    exits(ExitCodes.BAD_INPUT, "rollback");
    exits(ExitCodes.BAD_INPUT, "stop");
    exits(ExitCodes.BAD_INPUT, "start", "k", "extra");

    exits(ExitCodes.BAD_INPUT, "restart", "k", "--batch-size", "0");
    assertThat(exits(ExitCodes.BAD_INPUT, "restart", "k", "--batch-period", "5"))
        .contains("--batch-period: needs --batch-size N");
    exits(
        ExitCodes.BAD_INPUT,
        "run",
        "k",
        "--service",
        "compact",
        "--batch-size",
        "2",
        "--batch-period",
        "-1");
    exits(ExitCodes.BAD_INPUT, "run", "k", "--role", "db");

    exits(ExitCodes.BAD_INPUT, "backup");
    exits(ExitCodes.BAD_INPUT, "backups");
    exits(ExitCodes.BAD_INPUT, "restore", "b-1");
    exits(ExitCodes.BAD_INPUT, "restore", "b-1", "--name", "r", "--count", "db=three");
    exits(ExitCodes.BAD_INPUT, "restore", "b-1", "--name", "r", "--label", "nolabel");

    exits(ExitCodes.BAD_INPUT, "promote", "k");
    assertThat(exits(ExitCodes.BAD_INPUT, "add-role", "k", cache.toString(), "--role", "web"))
        .contains("defines no role 'web'; it defines cache");
    exits(ExitCodes.BAD_INPUT, "add-role", "k", cache.toString());
    exits(
        ExitCodes.BAD_INPUT, "add-role", "k", cache.toString(), "--role", "cache", "--count", "0");
    exits(ExitCodes.BAD_INPUT, "remove-role", "k");

    exits(ExitCodes.BAD_INPUT, "plan", "k", "--op", "scale-vertical", "--role", "db");
    exits(ExitCodes.BAD_INPUT, "plan", "k", "--op", "restart", "--batch-size", "0");
    assertThat(exits(ExitCodes.BAD_INPUT, "plan", "k", "--op", "show"))
        .contains("unknown operation 'show'")
        .contains("scale-vertical")
        .contains("remove-role");
    exits(ExitCodes.BAD_INPUT, "plan", "k", "--op", "promote");

    try (Stream<Path> files = Files.list(home)) {
      assertThat(files).as("nothing was opened or created").isEmpty();
    }
  }

  @Test
  void help_describesEveryNewCommand() {
    for (String command :
        List.of(
            "scale-vertical",
            "upgrade",
            "rollback",
            "stop",
            "start",
            "restart",
            "run",
            "backup",
            "backups",
            "restore",
            "promote",
            "add-role",
            "remove-role")) {
      LifecycleCliTest.Result r = run("help", command);
      assertThat(r.code()).as(command).isZero();
      assertThat(r.out()).as(command).contains("Usage: lifecycle " + command);
    }
    assertThat(run("help", "restart").out())
        .contains("--batch-size=N")
        .contains("--batch-period=SEC");
    assertThat(run("help", "scale-vertical").out())
        .contains("--role=ROLE")
        .contains("--volume=GIB");
  }

  @Test
  void run_printsWhatTheScriptsReported_andShowKeepsTheWorkloadStatus() throws IOException {
    Path spec =
        Files.writeString(
            specDir.resolve("report.yaml"),
            """
            name: rep
            version: "1"
            roles:
              - role: db
                count: 2
                services:
                  start: {cmd: 'true'}
                  report:
                    cmd: |
                      printf 'node=%s\\nlag=0\\n' "$LC_NODE_ID" > "$LC_RESULT"
                      echo "maintenance compacting $LC_NODE_ID" > "$LC_STATUS"
            """);
    ok("create", spec.toString(), "--name", "r");

    String text = ok("run", "r", "--service", "report");
    JsonNode json = new ObjectMapper().readTree(ok("--json", "run", "r", "--service", "report"));

    assertThat(text)
        .contains("result r-db-1: lag=0 node=r-db-1\n")
        .contains("result r-db-2: lag=0 node=r-db-2\n")
        .contains("r-db-2  workload maintenance compacting r-db-2");
    assertThat(json.get("results").get("r-db-1").get("node").asText()).isEqualTo("r-db-1");
    JsonNode shown = show("r").get("nodes").get(1);
    assertThat(shown.get("workload").get("state").asText()).isEqualTo("maintenance");
    assertThat(shown.get("workload").get("message").asText()).isEqualTo("compacting r-db-2");
  }

  @Test
  void unknownClusterNodeOrBackup_exitsFour() {
    ok("create", kv.toString(), "--name", "k");
    String ghost = "ghost";
    exits(ExitCodes.NOT_FOUND, "scale-vertical", ghost, "--role", "db", "--cpu", "2");
    exits(ExitCodes.NOT_FOUND, "upgrade", ghost, kv11.toString());
    exits(ExitCodes.NOT_FOUND, "rollback", ghost);
    exits(ExitCodes.NOT_FOUND, "stop", ghost);
    exits(ExitCodes.NOT_FOUND, "start", ghost);
    exits(ExitCodes.NOT_FOUND, "restart", ghost);
    exits(ExitCodes.NOT_FOUND, "run", ghost, "--service", "compact");
    exits(ExitCodes.NOT_FOUND, "backup", ghost);
    exits(ExitCodes.NOT_FOUND, "backups", ghost);
    exits(ExitCodes.NOT_FOUND, "restore", "no-such-backup", "--name", "r");
    exits(ExitCodes.NOT_FOUND, "promote", ghost, "k-db-2");
    exits(ExitCodes.NOT_FOUND, "add-role", ghost, cache.toString(), "--role", "cache");
    exits(ExitCodes.NOT_FOUND, "remove-role", ghost, "db");

    // a role the cluster's spec does not have is bad input (exit 2), see invalidRequests_exitTwo
    exits(ExitCodes.NOT_FOUND, "promote", "k", "k-db-9");
    exits(ExitCodes.NOT_FOUND, "plan", "k", "--op", "promote", "k-db-9");
  }

  @Test
  void invalidRequests_exitTwo() {
    ok("create", kv.toString(), "--name", "k");
    exits(ExitCodes.BAD_INPUT, "scale-vertical", "k", "--role", "web", "--cpu", "2");
    exits(ExitCodes.BAD_INPUT, "run", "k", "--service", "compact", "--role", "web");
    exits(ExitCodes.BAD_INPUT, "remove-role", "k", "web");
    exits(ExitCodes.BAD_INPUT, "scale-vertical", "k", "--role", "db", "--cpu", "0");
    exits(ExitCodes.BAD_INPUT, "scale-vertical", "k", "--role", "db", "--volume", "0");
    exits(ExitCodes.BAD_INPUT, "upgrade", "k", kv.toString());
    exits(ExitCodes.BAD_INPUT, "upgrade", "k", cache.toString());
    exits(ExitCodes.BAD_INPUT, "run", "k", "--service", "no-such-service");
    exits(ExitCodes.BAD_INPUT, "add-role", "k", kv.toString(), "--role", "db");
    exits(ExitCodes.BAD_INPUT, "remove-role", "k", "db");
    String backup = ok("backup", "k").strip();
    exits(ExitCodes.BAD_INPUT, "restore", backup, "--name", "r", "--count", "db=2");
    exits(ExitCodes.BAD_INPUT, "restore", backup, "--name", "Bad");
    exits(ExitCodes.CONFLICT, "restore", backup, "--name", "k");
  }

  @Test
  void operationsNotAllowedInTheClusterState_exitThree() throws IOException {
    ok("create", kv.toString(), "--name", "k");
    exits(ExitCodes.CONFLICT, "start", "k");
    exits(ExitCodes.CONFLICT, "rollback", "k");
    assertThat(exits(ExitCodes.CONFLICT, "promote", "k", "k-db-2")).contains("k-db-1");

    ok("stop", "k");
    exits(ExitCodes.CONFLICT, "stop", "k");
    exits(ExitCodes.CONFLICT, "restart", "k");
    exits(ExitCodes.CONFLICT, "run", "k", "--service", "compact");
    exits(ExitCodes.CONFLICT, "backup", "k");
    exits(ExitCodes.CONFLICT, "scale-vertical", "k", "--role", "db", "--cpu", "2");
    exits(ExitCodes.CONFLICT, "add-role", "k", cache.toString(), "--role", "cache");
    assertThat(show("k").get("state").asText()).isEqualTo("STOPPED");
  }

  @Test
  void failedUpgrade_isRolledBack_atOnceWithAutoRollback_orByRollbackAfterwards()
      throws IOException {
    Path broken =
        Files.writeString(
            specDir.resolve("kv-2.0.yaml"),
            KV.replace("version: \"1.0\"", "version: \"2.0\"")
                .replace("echo \"upgrade $LC_APP_VERSION\" >> log", "exit 3"));
    ok("create", kv.toString(), "--name", "k");

    String err = exits(ExitCodes.FAILED, "upgrade", "k", broken.toString(), "--auto-rollback");
    assertThat(err)
        .contains("upgrade on k-db-1 exited with 3")
        .contains("then rollback")
        .contains("cluster k is RUNNING");
    JsonNode rolledBack = show("k");
    assertThat(rolledBack.get("version").asText()).isEqualTo("1.0");
    assertThat(nodeValues(rolledBack, "version")).containsOnly("1.0");

    assertThat(exits(ExitCodes.FAILED, "upgrade", "k", broken.toString()))
        .contains("cluster k is FAILED_UPDATING");
    JsonNode failed = show("k");
    assertThat(failed.get("state").asText()).isEqualTo("FAILED_UPDATING");
    assertThat(nodeValues(failed, "version")).containsExactly("2.0", "1.0", "1.0");
    ok("rollback", "k");
    JsonNode recovered = show("k");
    assertThat(recovered.get("state").asText()).isEqualTo("RUNNING");
    assertThat(nodeValues(recovered, "version")).containsOnly("1.0");
  }

  @Test
  void plan_showsEveryNewOperation_withTheCommandsOwnOptions() throws IOException {
    ok("create", kv.toString(), "--name", "k");
    String backup = ok("backup", "k").strip();
    assertThat(planType("k", "scale-vertical", "--role", "db", "--cpu", "4"))
        .isEqualTo("SCALE_VERTICAL");
    assertThat(planType("k", "upgrade", kv11.toString(), "--auto-rollback")).isEqualTo("UPGRADE");
    assertThat(planType("k", "stop")).isEqualTo("STOP");
    assertThat(planType("k", "restart", "--batch-size", "2", "--batch-period", "1"))
        .isEqualTo("RESTART");
    assertThat(planType("k", "run", "--service", "compact", "--role", "db"))
        .isEqualTo("RUN_SERVICE");
    assertThat(planType("k", "backup")).isEqualTo("BACKUP");
    assertThat(planType("k", "promote", "k-db-2", "--switchover")).isEqualTo("PROMOTE");
    assertThat(planType("k", "add-role", cache.toString(), "--role", "cache", "--count", "1"))
        .isEqualTo("ADD_ROLE");
    assertThat(planType(backup, "restore", "--name", "r")).isEqualTo("RESTORE");
    assertThat(ok("plan", "k", "--op", "restart", "--batch-size", "2")).contains("k-db-3");
    assertThat(ok("plan", "k", "--op", "stop", "--format", "mermaid"))
        .startsWith("%% resource estimate\n")
        .contains("\nflowchart TD\n");
    assertThat(ok("plan", backup, "--op", "restore", "--name", "r", "--count", "db=3"))
        .contains("r-db-1");
    // a dry-run changes nothing
    JsonNode after = show("k");
    assertThat(after.get("state").asText()).isEqualTo("RUNNING");
    assertThat(nodeValues(after, "cpu")).containsOnly("1");
    exits(ExitCodes.NOT_FOUND, "show", "r");
  }

  @Test
  void everyOperation_onOneClusterOfTheLocalInfrastructure() throws IOException {
    JsonNode created =
        new ObjectMapper().readTree(ok("--json", "create", kv.toString(), "--name", "k"));
    assertThat(created.get("version").asText()).isEqualTo("1.0");
    assertThat(nodeValues(created, "version")).containsExactly("1.0", "1.0", "1.0");
    assertThat(ok("show", "k")).contains("VERSION").containsPattern("k-db-1 .* 1\\.0\\n");

    JsonNode scaled =
        new ObjectMapper()
            .readTree(
                ok(
                    "--json",
                    "scale-vertical",
                    "k",
                    "--role",
                    "db",
                    "--cpu",
                    "2",
                    "--memory",
                    "1024",
                    "--volume",
                    "2"));
    assertThat(scaled.get("operation_id").asText()).isNotEmpty();
    assertThat(scaled.get("state").asText()).isEqualTo("RUNNING");
    assertThat(nodeValues(scaled, "cpu")).containsOnly("2");
    assertThat(nodeValues(scaled, "memory")).containsOnly("1024");
    assertThat(nodeValues(scaled, "volume_size")).containsOnly("2");

    ok("upgrade", "k", kv11.toString());
    JsonNode upgraded = show("k");
    assertThat(upgraded.get("state").asText()).isEqualTo("RUNNING");
    assertThat(upgraded.get("version").asText()).isEqualTo("1.1");
    assertThat(upgraded.get("previous_version").asText()).isEqualTo("1.0");
    assertThat(nodeValues(upgraded, "version")).containsOnly("1.1");
    assertThat(log("k-db-2")).contains("upgrade 1.1");
    assertThat(nodeValues(upgraded, "cpu")).as("upgrade keeps the resources").containsOnly("2");

    assertThat(planType("k", "rollback")).isEqualTo("ROLLBACK");
    ok("rollback", "k");
    JsonNode rolledBack = show("k");
    assertThat(rolledBack.get("version").asText()).isEqualTo("1.0");
    assertThat(nodeValues(rolledBack, "version")).containsOnly("1.0");
    assertThat(log("k-db-2")).endsWith("start 1.0\n");

    ok("stop", "k");
    JsonNode stopped = show("k");
    assertThat(stopped.get("state").asText()).isEqualTo("STOPPED");
    assertThat(nodeValues(stopped, "state")).containsOnly("STOPPED");
    assertThat(log("k-db-3")).endsWith("stop\n");
    assertThat(planType("k", "start")).isEqualTo("START");
    ok("start", "k");
    JsonNode started = show("k");
    assertThat(started.get("state").asText()).isEqualTo("RUNNING");
    assertThat(nodeValues(started, "state")).containsOnly("RUNNING");
    assertThat(log("k-db-3")).endsWith("start 1.0\n");

    long before = System.nanoTime();
    ok("restart", "k", "--batch-size", "2", "--batch-period", "1");
    assertThat(System.nanoTime() - before)
        .as("two batches, one period apart")
        .isGreaterThanOrEqualTo(1_000_000_000L);
    for (String node : List.of("k-db-1", "k-db-2", "k-db-3")) {
      assertThat(log(node)).endsWith("restart\n");
    }

    ok("run", "k", "--service", "compact", "--role", "db");
    assertThat(log("k-db-1")).endsWith("compacted\n");
    assertThat(show("k").get("state").asText()).isEqualTo("RUNNING");

    String backupId = ok("backup", "k").strip();
    assertThat(backupId).isNotEmpty().doesNotContain("\n");
    JsonNode second = new ObjectMapper().readTree(ok("--json", "backup", "k"));
    assertThat(second.get("cluster").asText()).isEqualTo("k");
    assertThat(second.get("version").asText()).isEqualTo("1.0");
    assertThat(second.get("role_counts").get("db").asInt()).isEqualTo(3);
    assertThat(second.get("artifacts")).hasSize(3);
    assertThat(second.get("artifacts").get(0).get("node").asText()).isEqualTo("k-db-1");
    assertThat(ok("backups", "k")).contains(backupId).contains(second.get("id").asText());
    JsonNode backups = new ObjectMapper().readTree(ok("--json", "backups", "k"));
    assertThat(backups.findValuesAsText("id")).containsExactly(backupId, second.get("id").asText());

    ok("restore", backupId, "--name", "r", "--label", "from=k", "--count", "db=3");
    JsonNode restored = show("r");
    assertThat(restored.get("state").asText()).isEqualTo("RUNNING");
    assertThat(restored.get("version").asText()).isEqualTo("1.0");
    assertThat(restored.get("labels").get("from").asText()).isEqualTo("k");
    assertThat(nodeValues(restored, "id")).containsExactly("r-db-1", "r-db-2", "r-db-3");
    assertThat(home.resolve("nodes/r-db-2/restored")).hasContent("k-db-2");

    exits(ExitCodes.CONFLICT, "promote", "k", "k-db-2");
    ok("promote", "k", "k-db-2", "--switchover");
    assertThat(home.resolve("nodes/k-db-2/promoted")).exists();
    assertThat(home.resolve("nodes/k-db-1/promoted")).doesNotExist();
    assertThat(show("k").get("state").asText()).isEqualTo("RUNNING");

    ok("add-role", "k", cache.toString(), "--role", "cache", "--count", "1");
    JsonNode withCache = show("k");
    assertThat(withCache.get("state").asText()).isEqualTo("RUNNING");
    assertThat(nodeValues(withCache, "id"))
        .containsExactly("k-db-1", "k-db-2", "k-db-3", "k-cache-1");
    assertThat(log("k-cache-1")).isEqualTo("start\n");
    assertThat(planType("k", "remove-role", "cache", "--force")).isEqualTo("REMOVE_ROLE");
    ok("remove-role", "k", "cache");
    JsonNode withoutCache = show("k");
    assertThat(withoutCache.get("state").asText()).isEqualTo("RUNNING");
    assertThat(nodeValues(withoutCache, "id")).containsExactly("k-db-1", "k-db-2", "k-db-3");
    assertThat(home.resolve("nodes/k-cache-1")).doesNotExist();

    ok("delete", "k");
    ok("delete", "r");
    assertThat(show("k").get("state").asText()).isEqualTo("DONE");
    assertThat(show("r").get("state").asText()).isEqualTo("DONE");
  }
}
