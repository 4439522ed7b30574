package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.testsupport.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines in two JVMs (two {@code lifecycle} processes) work on one cluster at the same time,
 * sharing the records in one SQLite file or one PostgreSQL database: their operations run one after
 * the other, never interleaved, as the two traces show.
 */
class TwoEnginesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC =
      """
      name: slow
      version: "1"
      roles:
        - role: db
          count: 3
          min_nodes: 1
          max_nodes: 10
          advanced_actions: [scale_horizontal]
          services:
            start: {cmd: "sleep 0.3"}
            stop: {cmd: "sleep 0.3"}
            scale_out: {cmd: "sleep 0.5"}
            scale_in: {cmd: "sleep 0.5"}
      """;

  private static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void onOneSqliteFile_operationsOnOneClusterAreSerialised(@TempDir Path dir) throws Exception {
    race(dir, List.of());
  }

  @Test
  void onOnePostgresDatabase_operationsOnOneClusterAreSerialised(@TempDir Path dir)
      throws Exception {
    race(dir, List.of("--store", postgres.createDatabase()));
  }

  private void race(Path dir, List<String> store) throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, SPEC);
    Path home = dir.resolve("home");
    assertThat(cli(home, store, null, "create", spec.toString(), "--name", "c").waitFor()).isZero();
    for (int round = 1; round <= 3; round++) {
      Path ta = dir.resolve("a" + round + ".jsonl");
      Path tb = dir.resolve("b" + round + ".jsonl");
      Process a =
          cli(
              home,
              store,
              ta,
              "--timeout",
              "120",
              "add-nodes",
              "c",
              "--role",
              "db",
              "--count",
              "1");
      Process b = cli(home, store, tb, "--timeout", "120", "delete-nodes", "c", "c-db-" + round);
      assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(a.exitValue()).as("add-nodes, round " + round).isZero();
      assertThat(b.exitValue()).as("delete-nodes, round " + round).isZero();
      Instant[] ia = interval(ta);
      Instant[] ib = interval(tb);
      assertThat(!ia[1].isAfter(ib[0]) || !ib[1].isAfter(ia[0]))
          .as(
              "round %d: add-nodes ran %s..%s and delete-nodes %s..%s",
              round, ia[0], ia[1], ib[0], ib[1])
          .isTrue();
    }
    Process show = cli(home, store, null, "--json", "show", "c");
    String out = new String(show.getInputStream().readAllBytes());
    assertThat(show.waitFor()).isZero();
    JsonNode c = JSON.readTree(out);
    assertThat(c.get("state").asText()).isEqualTo("RUNNING");
    assertThat(c.get("nodes").findValuesAsText("id")).containsExactly("c-db-4", "c-db-5", "c-db-6");
  }

  /** When the operation of a trace started and when it succeeded, by the trace's clock. */
  private static Instant[] interval(Path trace) throws IOException {
    Instant start = null;
    Instant end = null;
    for (String line : Files.readAllLines(trace)) {
      JsonNode e = JSON.readTree(line);
      String kind = e.get("event").asText();
      if (kind.equals("OPERATION_STARTED")) {
        start = Instant.parse(e.get("ts").asText());
      } else if (kind.equals("OPERATION_SUCCEEDED")) {
        end = Instant.parse(e.get("ts").asText());
      }
    }
    assertThat(start).as("OPERATION_STARTED in " + trace).isNotNull();
    assertThat(end).as("OPERATION_SUCCEEDED in " + trace).isNotNull();
    return new Instant[] {start, end};
  }

  private static Process cli(Path home, List<String> store, Path trace, String... args)
      throws IOException {
    List<String> cmd = CliJar.command(home, List.of());
    cmd.addAll(store);
    if (trace != null) {
      cmd.addAll(List.of("--trace", trace.toString()));
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = pb.environment();
    env.put("LIFECYCLE_STORE_USER", PostgresServer.USER);
    env.put("LIFECYCLE_STORE_PASSWORD", PostgresServer.PASSWORD);
    return pb.start();
  }
}
