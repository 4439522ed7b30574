package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifecycle cancel} from a second process (docs/design.md §7.8): the process running the
 * create is asked to cancel, kills its commands, records the operation CANCELLED and exits; the
 * cluster is left FAILED_DEPLOYING, and {@code recover --skip-failed} gets it out.
 */
class CancelIT {
  private static final Path REPO =
      Path.of(System.getProperty("lifecycle.repo", "..")).toAbsolutePath().normalize();
  private static final Path JAR = REPO.resolve("lifecycle-cli/target/lifecycle-cli.jar");
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  private final List<ProcessHandle> spawned = new ArrayList<>();

  @AfterEach
  void reap() {
    for (ProcessHandle p : spawned) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private Process start(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(JAVA, "-XX:+UseSerialGC", "-jar"));
    command.add(JAR.toString());
    command.addAll(List.of("--home", work.resolve("home").toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectOutput(work.resolve(name + ".out").toFile())
            .redirectError(work.resolve(name + ".err").toFile())
            .start();
    p.getOutputStream().close();
    spawned.add(p.toHandle());
    return p;
  }

  private String run(String name, int expectedExit, String... args) throws Exception {
    Process p = start(name, args);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as(name + " finished").isTrue();
    String out = Files.readString(work.resolve(name + ".out"), StandardCharsets.UTF_8);
    String err = Files.readString(work.resolve(name + ".err"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(name + " exit code; stderr: " + err).isEqualTo(expectedExit);
    return out;
  }

  private JsonNode show() throws Exception {
    return JSON.readTree(run("show", 0, "--json", "show", "demo"));
  }

  @Test
  void cancelFromAnotherProcess_stopsTheCreate_killsItsCommands_andSkipFailedGetsOut()
      throws Exception {
    Path spec = work.resolve("slow-init.yaml");
    try (InputStream in = CancelIT.class.getResourceAsStream("/cancel/slow-init.yaml")) {
      assertThat(in).isNotNull();
      Files.copy(in, spec);
    }
    Process create = start("create", "create", spec.toString(), "--name", "demo");
    Path nodes = work.resolve("home").resolve("nodes");
    List<Path> pidFiles =
        List.of(
            nodes.resolve("demo-web-1").resolve("init.pid"),
            nodes.resolve("demo-web-2").resolve("init.pid"));
    await("both inits running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> pidFiles.stream().allMatch(f -> Files.isRegularFile(f) && size(f) > 0));
    List<ProcessHandle> inits = new ArrayList<>();
    for (Path f : pidFiles) {
      long pid = Long.parseLong(Files.readString(f).strip());
      ProcessHandle.of(pid).ifPresent(inits::add);
    }
    assertThat(inits).as("the init shells are alive before the cancel").hasSize(2);
    List<ProcessHandle> sleeps = inits.stream().flatMap(ProcessHandle::descendants).toList();

    String out = run("cancel", 0, "cancel", "demo");

    assertThat(out).contains("cancelled");
    assertThat(create.waitFor(60, TimeUnit.SECONDS)).as("the create process exited").isTrue();
    await("the cancelled commands are gone")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        Stream.concat(inits.stream(), sleeps.stream())
                            .filter(RunningProcesses::running)
                            .map(RunningProcesses::describe))
                    .as("processes of the cancelled commands still running")
                    .isEmpty());
    JsonNode cancelled = show();
    assertThat(cancelled.path("state").asText()).isEqualTo("FAILED_DEPLOYING");
    assertThat(Files.exists(nodes.resolve("demo-web-1").resolve("started.log"))).isFalse();

    run("skip", 0, "recover", "demo", "--skip-failed");
    JsonNode skipped = show();
    assertThat(skipped.path("state").asText()).isEqualTo("RUNNING");
    assertThat(skipped.path("nodes")).hasSize(2);
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }
}
