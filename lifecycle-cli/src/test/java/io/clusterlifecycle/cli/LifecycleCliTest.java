package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleCliTest {
  private static final Path SPECS = Path.of("../samples/specs");

  record Result(int code, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  /** Runs the tool on {@code --home home}. */
  static Result runAt(Path home, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return run(all);
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LifecycleCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void validate_eachSampleSpec_exitsZeroWithOneLineSummary() throws IOException {
    List<Path> specs;
    try (Stream<Path> files = Files.list(SPECS)) {
      specs = files.sorted().toList();
    }
    assertThat(specs).hasSizeGreaterThanOrEqualTo(3);
    for (Path spec : specs) {
      Result r = run("validate", spec.toString());
      assertThat(r.code()).as(spec + ": " + r.out() + r.err()).isZero();
      assertThat(r.outLines()).hasSize(1);
      assertThat(r.out()).startsWith("valid: ");
    }
  }

  @Test
  void validate_summaryCountsRolesNodesAndResources() {
    Result r = run("validate", SPECS.resolve("hadoop.yaml").toString());
    assertThat(r.out().strip())
        .isEqualTo(
            "valid: hadoop 3.3.6: 3 roles, 5 nodes "
                + "(master=1, worker=3, client=1); 15 cpu, 29696 MiB memory, 350 GiB storage");
  }

  @Test
  void validate_threeMistakes_printsAllThreePathsAndExitsTwo(@TempDir Path dir) throws IOException {
    Path spec = dir.resolve("broken.yaml");
    Files.writeString(
        spec,
        """
        name: zookeeper
        version: "3.8.4"
        roles:
          - role: zk
            count: 12
            max_nodes: 9
            services:
              start: {cmd: "zkServer.sh start", order: -1}
              stop: {cmd: "zkServer.sh stop", colour: red}
        """);
    Result r = run("validate", spec.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.outLines())
        .containsExactly(
            "roles[0].count: must be within [min_nodes, max_nodes] = [1, 9], was 12 (line 5, column 12)",
            "roles[0].services.start.order: must be >= 0, was -1 (line 8, column 48)",
            "roles[0].services.stop.colour: unknown key; known keys here: cmd, order, timeout,"
                + " nodes_to_execute_on, post_start_service, post_stop_service, pre_check, watch,"
                + " secrets (line 9, column 39)");
  }

  @Test
  void validate_json_listsProblemsWithLocations(@TempDir Path dir) throws IOException {
    Path spec = dir.resolve("broken.json");
    Files.writeString(spec, "{\"name\": \"x\", \"version\": \"1\", \"roles\": []}");
    Result r = run("--json", "validate", spec.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("valid").asBoolean()).isFalse();
    assertThat(json.get("problems")).hasSize(1);
    assertThat(json.get("problems").get(0).get("path").asText()).isEqualTo("roles");
    assertThat(json.get("problems").get(0).get("reason").asText())
        .isEqualTo("must list at least one role");
    assertThat(json.get("problems").get(0).get("line").asInt()).isEqualTo(1);
  }

  @Test
  void validate_json_validSpec() throws IOException {
    Result r = run("--json", "validate", SPECS.resolve("kafka.json").toString());
    assertThat(r.code()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("valid").asBoolean()).isTrue();
    assertThat(json.get("name").asText()).isEqualTo("kafka");
    assertThat(json.get("nodes").asInt()).isEqualTo(3);
  }

  @Test
  void validate_missingFile_isBadInput() {
    Result r = run("validate", "no/such/spec.yaml");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out().strip()).isEqualTo("$: no such file; check the path");
  }

  @Test
  void usageErrors_exitTwo() {
    assertThat(run().code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("no-such-command").code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("validate").code()).isEqualTo(ExitCodes.BAD_INPUT);
    Result r = run("validate", "a.yaml", "b.yaml");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("Unmatched argument");
  }

  @Test
  void demo_bundlesEverySpecInTheSamplesFolder() throws IOException {
    try (Stream<Path> files = Files.list(SPECS)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(DemoCommand.SAMPLE_SPECS);
    }
  }
}
