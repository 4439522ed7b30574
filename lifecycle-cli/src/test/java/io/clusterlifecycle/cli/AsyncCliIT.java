package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --async}, {@code wait} and {@code operation}: a create handed to a background copy of the
 * tool prints its operation id while its commands still run; other processes wait for it and read
 * it; a refused command fails at once with the copy's messages and creates nothing.
 */
class AsyncCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SLOW =
      """
      name: slow
      version: "1"
      roles:
        - role: db
          count: 2
          services:
            start: {cmd: "sleep 6"}
      """;

  @TempDir Path dir;

  /** A finished run of the tool. */
  private record Run(int code, String out, String err, long millis) {}

  private Run cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = CliJar.command(dir.resolve("home"), List.of());
    cmd.addAll(List.of(args));
    long started = System.nanoTime();
    Process p = new ProcessBuilder(cmd).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8),
        (System.nanoTime() - started) / 1_000_000);
  }

  @Test
  void createAsync_printsItsOperationAtOnce_andWaitAndOperationFollowIt() throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, SLOW);

    Run started = cli("create", spec.toString(), "--name", "bg", "--async");

    assertThat(started.code()).as(started.err()).isZero();
    String id = started.out().strip();
    assertThat(id).matches("op-[0-9a-f]+");
    assertThat(started.err()).contains(id + " runs in the background", "lifecycle wait " + id);
    System.out.printf("create --async returned %s after %d ms%n", id, started.millis());

    Run running = cli("--json", "operation", id);
    assertThat(running.code()).as(running.err()).isZero();
    assertThat(JSON.readTree(running.out()).get("state").asText())
        .as("read while its 6 s commands run")
        .isEqualTo("RUNNING");

    Run early = cli("--timeout", "1", "wait", id);
    assertThat(early.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(early.err()).contains(id + " is still RUNNING after 1 s; it goes on running");

    Run waited = cli("wait", id);
    assertThat(waited.code()).as(waited.err()).isZero();
    assertThat(waited.out())
        .contains("operation: " + id, "type: create", "cluster: bg", "state: SUCCEEDED");

    JsonNode record = JSON.readTree(cli("--json", "operation", id).out());
    assertThat(record.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(record.get("plan")).isNotNull();
    Run shown = cli("--json", "show", "bg");
    assertThat(JSON.readTree(shown.out()).get("state").asText()).isEqualTo("RUNNING");
  }

  @Test
  void aRefusedCommand_failsAtOnce_withTheCopysMessages_andCreatesNothing() throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(spec, "name: bad\nversion: \"1\"\nroles: []\n");

    Run refused = cli("create", spec.toString(), "--name", "x", "--async");

    assertThat(refused.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).contains("roles");
    assertThat(dir.resolve("home")).doesNotExist();

    Run notAnOperation = cli("list", "--async");
    assertThat(notAnOperation.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(notAnOperation.err())
        .contains("--async", "applies to the commands that run an operation", "not to list");

    Run unknown = cli("wait", "op-0000000000");
    assertThat(unknown.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err()).contains("no operation op-0000000000");
  }
}
