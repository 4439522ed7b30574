package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.cli.LifecycleCliTest.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  private static final Pattern ROW =
      Pattern.compile(
          "^  (kv-[a-z]+-\\d+) +(\\w+) +(\\w+) +\\S+ +(\\d+) +(\\d+)  (\\S+) +(pid \\d+|stopped) +(\\S+)"
              + " +(.*)$",
          Pattern.MULTILINE);

  @Test
  void demo_takesTheAppThroughItsLifeWithRealServers_showingProgressTablesAndPlans(
      @TempDir Path home) throws IOException {
    Result r = LifecycleCliTest.run("--home", home.toString(), "demo");

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    String out = r.out();
    assertThat(out)
        .contains("3 of 3 sample specs are valid.")
        .containsSubsequence(
            "== 1. create",
            "== 2. add 2 storage nodes",
            "== 3. resize storage",
            "== 4. upgrade 1.0 -> 1.1",
            "== 5. rolling restart",
            "== 6. autoscale: gateway LOAD 95 > 80",
            "  policy fired: elasticity policy 0 (LOAD > 80) held for 2 periods: role gateway 1"
                + " -> 2 nodes",
            "  cluster RUNNING -> SCALING",
            "  cluster SCALING -> COOLDOWN",
            "  cluster COOLDOWN -> RUNNING",
            "== 7. backup",
            "== 8. delete nodes kv-storage-1 and kv-storage-2",
            "== 9. delete:",
            "Done: 9 operations in");
    // one finished bar per stage, its step count from the plan
    assertThat(out)
        .containsPattern("(?m)^  create resources +100% \\[=+\\] 5/5 .* ok$")
        .containsPattern("(?m)^  kv-storage-5: upgrade \\(post-start… +100% \\[=+\\] 1/1 .* ok$")
        .containsPattern("(?m)^  batch 3/3: wait 1000 ms +100% \\[=+\\] 1/1 ");

    List<String> tables = List.of(out.split("\n== "));
    Map<String, String[]> created = rows(section(tables, "1. create"));
    assertThat(created)
        .containsOnlyKeys(
            "kv-coordinator-1", "kv-storage-1", "kv-storage-2", "kv-storage-3", "kv-gateway-1");
    assertThat(created.values())
        .allSatisfy(
            row -> {
              assertThat(row[2]).isEqualTo("RUNNING");
              assertThat(row[6]).as("server of %s", row[0]).startsWith("pid ");
              assertThat(row[7]).as("version %s serves", row[0]).isEqualTo("1.0");
            });
    assertThat(created.get("kv-gateway-1")[8])
        .as("config rendered from LC_METADATA")
        .matches(
            "coordinator=127\\.\\d+\\.\\d+\\.\\d+ gateway=\\S+ storage=(127[.\\d]+,){2}"
                + "127[.\\d]+");

    Map<String, String[]> added = rows(section(tables, "2. add"));
    assertThat(added).hasSize(7);
    assertThat(added.get("kv-coordinator-1")[8])
        .as("reloaded after add nodes")
        .matches(".*storage=(127[.\\d]+,){4}127[.\\d]+");

    Map<String, String[]> resized = rows(section(tables, "3. resize"));
    assertThat(resized.get("kv-storage-4")).contains("4", "2048");
    assertThat(resized.get("kv-storage-1")[6])
        .as("a resized node runs a new server")
        .isNotEqualTo(added.get("kv-storage-1")[6]);

    Map<String, String[]> upgraded = rows(section(tables, "4. upgrade"));
    assertThat(upgraded.values())
        .allSatisfy(
            row -> {
              assertThat(row[5]).as("recorded version of %s", row[0]).isEqualTo("1.1");
              assertThat(row[7]).as("version the server of %s serves", row[0]).isEqualTo("1.1");
            });
    Map<String, String[]> restarted = rows(section(tables, "5. rolling"));
    assertThat(restarted.values())
        .allSatisfy(
            row ->
                assertThat(row[6])
                    .as("server of %s after the restart", row[0])
                    .startsWith("pid ")
                    .isNotEqualTo(upgraded.get(row[0])[6]));

    Map<String, String[]> scaled = rows(section(tables, "6. autoscale"));
    assertThat(scaled.get("kv-gateway-2")).as("the gateway the policy added").isNotNull();
    assertThat(scaled.get("kv-gateway-2")[2]).isEqualTo("RUNNING");
    assertThat(scaled.get("kv-gateway-2")[6]).startsWith("pid ");

    Map<String, String[]> shrunk = rows(section(tables, "8. delete nodes"));
    assertThat(shrunk).doesNotContainKeys("kv-storage-1", "kv-storage-2").hasSize(6);
    assertThat(shrunk.get("kv-gateway-1")[8])
        .as("reloaded after delete nodes")
        .matches(".*storage=127[.\\d]+,127[.\\d]+,127[.\\d]+");
    assertThat(section(tables, "9. delete")).contains("DONE").contains("(no nodes");

    Path demo = home.resolve(DemoCommand.DIRECTORY);
    try (Stream<Path> plans = Files.list(demo.resolve("plans"))) {
      List<String> operations =
          List.of(
              "1-create",
              "2-add-nodes",
              "3-scale-vertical",
              "4-upgrade",
              "5-restart",
              "6-elastic-scale",
              "7-backup",
              "8-delete-nodes",
              "9-delete");
      assertThat(plans.map(p -> p.getFileName().toString()))
          .as("a plan and a timeline per operation")
          .containsExactlyInAnyOrderElementsOf(
              operations.stream().flatMap(o -> Stream.of(o + ".mmd", o + ".html")).toList());
    }
    assertThat(Files.readString(demo.resolve("plans/4-upgrade.html")))
        .startsWith("<!DOCTYPE html>")
        .contains("<svg", "upgrade op-", "SUCCEEDED", "replace images");
    assertThat(Files.readString(demo.resolve("plans/4-upgrade.mmd")))
        .startsWith("flowchart")
        .contains("replace images");
    try (Stream<Path> owners = Files.walk(demo.resolve("backups"))) {
      assertThat(owners.filter(p -> p.endsWith("data/owner")).map(DemoCommandTest::read))
          .containsExactlyInAnyOrder(
              "kv-storage-1", "kv-storage-2", "kv-storage-3", "kv-storage-4", "kv-storage-5");
    }
    try (Stream<Path> nodes = Files.list(demo.resolve("nodes"))) {
      assertThat(nodes).isEmpty();
    }
    assertThat(DemoServers.running(demo)).isEmpty();
  }

  @Test
  void demo_stopsTheServersAKilledEarlierRunLeftBehind(@TempDir Path home) throws Exception {
    Path node = home.resolve(DemoCommand.DIRECTORY).resolve("nodes/kv-storage-9");
    Files.createDirectories(node.resolve("bin"));
    Files.createDirectories(node.resolve("run"));
    Files.writeString(node.resolve("metadata.json"), "{}");
    try (var in = DemoApp.class.getResourceAsStream("/demo/" + DemoApp.SERVER)) {
      Files.write(node.resolve("bin/" + DemoApp.SERVER), in.readAllBytes());
    }
    ProcessBuilder pb =
        new ProcessBuilder("bash", "bin/" + DemoApp.SERVER, "serve", node.toString())
            .directory(node.toFile())
            .redirectErrorStream(true)
            .redirectOutput(node.resolve("run/server.log").toFile());
    pb.environment()
        .putAll(
            Map.of(
                "LC_METADATA",
                node.resolve("metadata.json").toString(),
                "LC_APP_VERSION",
                "0.9",
                "LC_ROLE",
                "storage",
                "LC_NODE_ID",
                "kv-storage-9"));
    Process left = pb.start();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .untilAsserted(() -> assertThat(node.resolve("run/heartbeat")).exists());
      assertThat(DemoServers.running(home.resolve(DemoCommand.DIRECTORY)))
          .extracting(ProcessHandle::pid)
          .containsExactly(left.pid());

      Result r = LifecycleCliTest.run("--home", home.toString(), "demo");

      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(left.waitFor(10, TimeUnit.SECONDS)).as("the left-over server ended").isTrue();
      assertThat(DemoServers.running(home.resolve(DemoCommand.DIRECTORY))).isEmpty();
      assertThat(r.out()).doesNotContain("kv-storage-9");
    } finally {
      left.destroyForcibly();
    }
  }

  private static String section(List<String> sections, String title) {
    return sections.stream()
        .filter(s -> s.startsWith(title))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no section " + title));
  }

  /** The node rows of a state table: id, role, state, cpu, memory, version, server... */
  private static Map<String, String[]> rows(String section) {
    Map<String, String[]> rows = new java.util.LinkedHashMap<>();
    Matcher m = ROW.matcher(section);
    while (m.find()) {
      rows.put(
          m.group(1),
          new String[] {
            m.group(1),
            m.group(2),
            m.group(3),
            m.group(4),
            m.group(5),
            m.group(6),
            m.group(7),
            m.group(8),
            m.group(9).trim()
          });
    }
    return rows;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
