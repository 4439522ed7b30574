package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code ./lifecycle} launcher against the jar the build just packaged. */
class LauncherIT {
  private static final Path REPO =
      Path.of(System.getProperty("lifecycle.repo", "..")).toAbsolutePath().normalize();

  record Result(int code, String out, String err) {}

  static Result launch(String... args) throws IOException, InterruptedException {
    return launch(Map.of(), args);
  }

  static Result launch(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(REPO.resolve("lifecycle").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void validate_everySampleSpec_exitsZero() throws Exception {
    List<Path> specs;
    try (Stream<Path> files = Files.list(REPO.resolve("samples/specs"))) {
      specs = files.sorted().toList();
    }
    assertThat(specs).isNotEmpty();
    for (Path spec : specs) {
      Result r = launch("validate", REPO.relativize(spec).toString());
      assertThat(r.code()).as(spec + "\n" + r.out() + r.err()).isZero();
      assertThat(r.out()).startsWith("valid: ");
    }
  }

  @Test
  void aStartThatOpensTheStore_loadsTheSqliteLibraryTheLauncherCopiedOutOfTheJar(@TempDir Path dir)
      throws Exception {
    String home = dir.resolve("home").toString();
    Path spec = dir.resolve("one.yaml");
    Files.writeString(spec, "name: one\nversion: \"1\"\nroles:\n  - role: r\n    count: 1\n");
    assertThat(launch("--home", home, "create", spec.toString(), "--name", "one").code()).isZero();
    assertThat(REPO.resolve("lifecycle-cli/target/sqlite-native")).isNotEmptyDirectory();

    // the driver cannot extract its library into a missing temporary directory: the store opens
    // only with the copy the launcher passes as org.sqlite.lib.path
    String noTemp = "-Djava.io.tmpdir=" + dir.resolve("missing");
    Result listed =
        launch(
            Map.of("LIFECYCLE_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 " + noTemp),
            "--home",
            home,
            "list");
    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(listed.out()).contains("one");
  }

  @Test
  void validate_specWithThreeMistakes_exitsTwoWithThreeLines(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("three.yaml");
    Files.writeString(
        spec,
        """
        name: kafka
        version: "3.7.0"
        roles:
          - role: broker
            cpu: 0
            services:
              start: {cmd: "  "}
              stop: {cmd: "kafka-stop", timeout: 0}
        """);
    Result r = launch("validate", spec.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out().lines().map(l -> l.substring(0, l.indexOf(':'))))
        .containsExactly(
            "roles[0].cpu", "roles[0].services.start.cmd", "roles[0].services.stop.timeout");
  }

  @Test
  void clusterFlow_fromSeparateInvocations_withTrace(@TempDir Path dir) throws Exception {
    String home = dir.resolve("home").toString();
    String trace = dir.resolve("t.jsonl").toString();
    Result created =
        launch(
            "--home",
            home,
            "--trace",
            trace,
            "create",
            "samples/specs/hadoop.yaml",
            "--name",
            "demo");
    assertThat(created.code()).as(created.err()).isZero();
    Result shown = launch("--home", home, "--json", "show", "demo");
    assertThat(shown.code()).isZero();
    com.fasterxml.jackson.databind.JsonNode json =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(shown.out());
    assertThat(json.get("state").asText()).isEqualTo("RUNNING");
    assertThat(json.get("nodes")).hasSize(5);
    assertThat(
            launch(
                    "--home",
                    home,
                    "--trace",
                    trace,
                    "add-nodes",
                    "demo",
                    "--role",
                    "worker",
                    "--count",
                    "1")
                .code())
        .isZero();
    assertThat(
            launch("--home", home, "--trace", trace, "delete-nodes", "demo", "demo-worker-1")
                .code())
        .isZero();
    assertThat(launch("--home", home, "--trace", trace, "delete", "demo").code()).isZero();
    List<String> lines = Files.readAllLines(Path.of(trace));
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> kinds = new ArrayList<>();
    for (String line : lines) {
      com.fasterxml.jackson.databind.JsonNode e = mapper.readTree(line);
      assertThat(e.has("seq")).isTrue();
      assertThat(e.get("ts").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      kinds.add(e.get("event").asText());
    }
    assertThat(kinds)
        .contains(
            "OPERATION_STARTED",
            "OPERATION_SUCCEEDED",
            "STATE_CHANGED",
            "STAGE_STARTED",
            "STAGE_FINISHED",
            "COMMAND_STARTED",
            "COMMAND_FINISHED",
            "RESOURCE_CREATED",
            "RESOURCE_DELETED",
            "METADATA_PUT",
            "METADATA_DELETED");
    assertThat(kinds.stream().filter("OPERATION_SUCCEEDED"::equals)).hasSize(4);
    Result done = launch("--home", home, "--json", "show", "demo");
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(done.out())
                .get("state")
                .asText())
        .isEqualTo("DONE");
  }

  @Test
  void operationsAfterCreate_fromSeparateInvocations(@TempDir Path dir) throws Exception {
    String home = dir.resolve("home").toString();
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(
            launch("--home", home, "create", "samples/specs/zookeeper.yaml", "--name", "zk").code())
        .isZero();
    Result scaled =
        launch("--home", home, "scale-vertical", "zk", "--role", "zk", "--memory", "8192");
    assertThat(scaled.code()).as(scaled.err()).isZero();
    assertThat(scaled.err()).as("progress").contains(" ... ");
    assertThat(launch("--home", home, "restart", "zk", "--batch-size", "0").code()).isEqualTo(2);
    assertThat(launch("--home", home, "stop", "zk").code()).isZero();
    assertThat(
            mapper
                .readTree(launch("--home", home, "--json", "show", "zk").out())
                .get("state")
                .asText())
        .isEqualTo("STOPPED");
    assertThat(launch("--home", home, "start", "zk").code()).isZero();
    Result plan =
        launch(
            "--home",
            home,
            "plan",
            "zk",
            "--op",
            "restart",
            "--batch-size",
            "1",
            "--format",
            "json");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(mapper.readTree(plan.out()).get("type").asText()).isEqualTo("RESTART");
    com.fasterxml.jackson.databind.JsonNode shown =
        mapper.readTree(launch("--home", home, "--json", "show", "zk").out());
    assertThat(shown.get("state").asText()).isEqualTo("RUNNING");
    for (com.fasterxml.jackson.databind.JsonNode node : shown.get("nodes")) {
      assertThat(node.get("memory").asInt()).isEqualTo(8192);
      assertThat(node.get("version").asText()).isEqualTo("3.8.4");
    }
    assertThat(launch("--home", home, "delete", "zk").code()).isZero();
  }

  @Test
  void demo_stoppedBySigterm_midOperation_stopsItsServers(@TempDir Path home) throws Exception {
    launch("--version");
    Path out = home.resolve("demo.out");
    Process p =
        new ProcessBuilder(REPO.resolve("lifecycle").toString(), "--home", home.toString(), "demo")
            .directory(REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .untilAsserted(
              () ->
                  assertThat(Files.readString(out))
                      .as("the demo reached its third operation")
                      .contains("== 3."));
      assertThat(DemoServers.running(home.resolve(DemoCommand.DIRECTORY)))
          .as("servers up")
          .isNotEmpty();

      p.destroy(); // SIGTERM to the JVM: the launcher exec'd it
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the demo ended on SIGTERM").isTrue();
      assertThat(DemoServers.running(home.resolve(DemoCommand.DIRECTORY)))
          .as("servers after SIGTERM")
          .isEmpty();
    } finally {
      p.destroyForcibly();
      DemoServers.stopAll(home.resolve(DemoCommand.DIRECTORY));
    }
  }

  @Test
  void demo_exitsZeroInUnderAMinute_andLeavesNoServerRunning(@TempDir Path home) throws Exception {
    launch("--version"); // builds the jar if needed, so that the timing below is the demo's own
    long started = System.nanoTime();
    Result r = launch("--home", home.toString(), "demo");
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("./lifecycle demo took %.1f s%n", seconds);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("3 of 3 sample specs are valid.")
        .contains("Done: 9 operations in");
    assertThat(seconds).as("./lifecycle demo wall time, s").isLessThan(60);
    assertThat(DemoServers.running(home.resolve(DemoCommand.DIRECTORY))).isEmpty();
    assertThat(
            ProcessHandle.allProcesses()
                .filter(
                    p ->
                        p.info()
                            .commandLine()
                            .filter(c -> c.contains(DemoApp.SERVER + " serve " + home))
                            .isPresent()))
        .as("processes whose command line names %s under %s", DemoApp.SERVER, home)
        .isEmpty();
  }
}
