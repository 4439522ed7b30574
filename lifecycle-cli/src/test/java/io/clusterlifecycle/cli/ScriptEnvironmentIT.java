package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lifecycle} CLI as a separate JVM, started with store credentials and a cloud secret in
 * its environment (issue 20, finding 1): the scripts it runs never see them (docs/design.md §9.3).
 * Also: a command refused, or a plan, on a home that does not exist creates nothing and logs
 * nothing (finding 6).
 */
class ScriptEnvironmentIT {
  private static final String PASSWORD = "store-pa55word-that-must-not-leak";
  private static final String USER = "store-user-that-must-not-leak";
  private static final String AWS = "aws-secret-that-must-not-leak";

  private static final String SPEC =
      """
      name: envcheck
      version: "1"
      roles:
        - role: app
          count: 2
          min_nodes: 1
          max_nodes: 2
          services:
            init: {cmd: "env > env.txt"}
            start: {cmd: "env > start-env.txt"}
      """;

  record Result(int code, String out, String err) {}

  @TempDir Path dir;

  @Test
  void storeCredentialsInTheClisEnvironment_neverReachAScript() throws Exception {
    Path spec = dir.resolve("envcheck.yaml");
    Files.writeString(spec, SPEC);
    Path home = dir.resolve("home");

    Result created = cli(home, "create", spec.toString(), "--name", "e1");

    assertThat(created.code()).as(created.err()).isZero();
    for (String node : List.of("e1-app-1", "e1-app-2")) {
      for (String file : List.of("env.txt", "start-env.txt")) {
        Path env = home.resolve("nodes").resolve(node).resolve(file);
        String text = Files.readString(env, StandardCharsets.UTF_8);
        assertThat(text)
            .as(env.toString())
            .contains("LC_NODE_ID=" + node)
            .contains("PATH=")
            .doesNotContain(
                "LIFECYCLE_STORE_PASSWORD",
                "LIFECYCLE_STORE_USER",
                "AWS_SECRET_ACCESS_KEY",
                PASSWORD,
                USER,
                AWS);
      }
    }
  }

  @Test
  void refusedCommandsAndPlan_onAMissingHome_createNothingAndLogNothing() throws Exception {
    Path spec = dir.resolve("envcheck.yaml");
    Files.writeString(spec, SPEC);
    Path home = dir.resolve("home");

    Result plan = cli(home, "plan", spec.toString(), "--name", "e1");
    Result refused = cli(home, "create", spec.toString(), "--name", "e1", "--count", "app=9");
    Result unknown = cli(home, "stop", "e1");

    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unknown.code()).as(unknown.err()).isEqualTo(ExitCodes.NOT_FOUND);
    for (Result r : List.of(plan, refused, unknown)) {
      assertThat(r.err()).doesNotContain("INFO", "WARN");
    }
    assertThat(home).doesNotExist();
  }

  private Result cli(Path home, String... args) throws IOException, InterruptedException {
    List<String> cmd = CliJar.command(home, List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.put("LIFECYCLE_STORE_PASSWORD", PASSWORD);
    env.put("LIFECYCLE_STORE_USER", USER);
    env.put("AWS_SECRET_ACCESS_KEY", AWS);
    Process p = pb.start();
    p.getOutputStream().close();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("lifecycle " + args[0] + " ended").isTrue();
    } finally {
      p.destroyForcibly();
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
