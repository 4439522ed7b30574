package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifecycle action} on the local infrastructure (docs/design.md §6.13): the nodes' daemons
 * are really stopped, continued and ended, and snapshots really put files back.
 */
class ActionCliTest {
  @TempDir Path home;
  @TempDir Path specDir;

  private String ok(String... args) {
    return new HomeCli(home).ok(args);
  }

  private String exits(int code, String... args) {
    return new HomeCli(home).exits(code, args);
  }

  private long pid(String node) throws IOException {
    return Long.parseLong(Files.readString(home.resolve("nodes/" + node + "/pid")).strip());
  }

  private static char state(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }

  private String nodeState(String node) throws IOException {
    for (JsonNode n : new ObjectMapper().readTree(ok("--json", "show", "a")).get("nodes")) {
      if (n.get("id").asText().equals(node)) {
        return n.get("state").asText();
      }
    }
    throw new AssertionError("no node " + node);
  }

  @AfterEach
  void endDaemons() {
    for (String node : new String[] {"a-db-1", "a-db-2"}) {
      try {
        ProcessHandle.of(pid(node)).ifPresent(ProcessHandle::destroyForcibly);
      } catch (IOException | NumberFormatException e) {
        // no daemon recorded
      }
    }
  }

  @Test
  void suspendResumePoweroffAndSnapshots_actOnTheNodesForReal() throws Exception {
    Path spec =
        Files.writeString(
            specDir.resolve("a.yaml"),
            """
            name: a
            version: "1"
            roles:
              - role: db
                count: 2
                volume: {size: 1, mount_point: /data}
                services:
                  start: {cmd: 'sleep 300 > /dev/null 2>&1 & echo $! > pid'}
              - role: web
                count: 1
                services:
                  start: {cmd: 'true'}
            """);
    ok("create", spec.toString(), "--name", "a");
    long db1 = pid("a-db-1");

    ok("action", "a", "db", "suspend", "--nodes", "a-db-1");
    assertThat(nodeState("a-db-1")).isEqualTo("SUSPENDED");
    assertThat(state(db1)).isEqualTo('T');
    ok("action", "a", "db", "resume", "--nodes", "a-db-1");
    assertThat(nodeState("a-db-1")).isEqualTo("RUNNING");
    assertThat(state(db1)).isNotEqualTo('T');

    long db2 = pid("a-db-2");
    ok("action", "a", "db", "poweroff-hard", "--nodes", "a-db-2");
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(db2).isEmpty());
    assertThat(nodeState("a-db-2")).isEqualTo("POWEROFF");
    ok("action", "a", "db", "resume", "--nodes", "a-db-2");
    assertThat(pid("a-db-2")).as("resume boots it: start ran again").isNotEqualTo(db2);

    Files.writeString(home.resolve("nodes/a-db-1/volume/data"), "before");
    ok(
        "action",
        "a",
        "db",
        "disk-snapshot-create",
        "--snapshot",
        "s1",
        "--number",
        "2",
        "--period",
        "0");
    Files.writeString(home.resolve("nodes/a-db-1/volume/data"), "after");
    ok("action", "a", "db", "disk-snapshot-revert", "--snapshot", "s1", "--nodes", "a-db-1");
    assertThat(Files.readString(home.resolve("nodes/a-db-1/volume/data"))).isEqualTo("before");
    assertThat(nodeState("a-db-1")).isEqualTo("RUNNING");

    assertThat(exits(ExitCodes.BAD_INPUT, "action", "a", "db", "explode"))
        .contains("unknown action 'explode'");
    assertThat(exits(ExitCodes.BAD_INPUT, "action", "a", "db", "suspend", "--number", "0"))
        .contains("must be at least 1, was 0");
    assertThat(exits(ExitCodes.BAD_INPUT, "action", "a", "db", "suspend", "--nodes", "a-web-1"))
        .contains("node a-web-1 is of role web, not db");
    assertThat(exits(ExitCodes.BAD_INPUT, "action", "a", "db", "snapshot-create"))
        .contains("needs a snapshot name");
  }
}
