package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command-line tool's answers to a new user's and a security reviewer's mistakes (issue 20,
 * finding 6), and the modes of what it writes (docs/design.md §10, §11).
 */
class CliHardeningTest {
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private static final String SPEC =
      """
      name: tiny
      version: "1"
      roles:
        - role: web
          count: 1
          min_nodes: 1
          max_nodes: 3
          services:
            init: {cmd: "true"}
            start: {cmd: "true"}
            stop: {cmd: "true"}
            backup: {cmd: "echo data > \\"$LC_BACKUP_DIR/data\\""}
            slow: {cmd: "touch slow.started; sleep 3"}
      """;

  @TempDir Path dir;

  private Path spec() throws IOException {
    Path spec = dir.resolve("tiny.yaml");
    Files.writeString(spec, SPEC);
    return spec;
  }

  private static LifecycleCliTest.Result cli(Path home, String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    all.addAll(List.of(args));
    return LifecycleCliTest.run(all.toArray(String[]::new));
  }

  @Test
  void trace_namingADirectory_isBadInput_withoutAStackTrace() throws IOException {
    Path home = dir.resolve("home");
    Path traceDir = Files.createDirectory(dir.resolve("traces"));

    LifecycleCliTest.Result r =
        cli(home, "--trace", traceDir.toString(), "create", spec().toString(), "--name", "t1");

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err())
        .contains("--trace")
        .contains("is a directory")
        .doesNotContain("Exception", "\tat ");
    assertThat(home).doesNotExist();
  }

  @Test
  void help_ofEverySubcommand_printsItsUsage_andExitsZero() {
    CommandLine cli = new CommandLine(new LifecycleCli());
    CommandIndex.addSubcommands(cli, new String[0]);
    List<String> names =
        cli.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
    assertThat(names).contains("create", "delete-nodes", "plan", "recover", "add-nodes");

    for (String name : names) {
      LifecycleCliTest.Result r = LifecycleCliTest.run(name, "--help");

      assertThat(r.code()).as(name + " --help: " + r.err()).isZero();
      assertThat(r.out()).as(name + " --help").contains("Usage: lifecycle " + name);
      assertThat(r.err()).as(name + " --help").doesNotContain("Missing required");
    }
  }

  @Test
  void aCommandLineNamingOneCommand_buildsOnlyThatOne_andTheOthersBuildTheWholeTree() {
    CommandLine.Model.CommandSpec root = new CommandLine(new LifecycleCli()).getCommandSpec();

    assertThat(CommandIndex.named(root, new String[] {"--home", "list", "list"}))
        .isEqualTo(QueryCommands.ListClusters.class);
    assertThat(CommandIndex.named(root, new String[] {"--home=h", "--json", "delete", "c"}))
        .isEqualTo(ClusterCommands.Delete.class);
    assertThat(CommandIndex.named(root, new String[] {"plan", "x.yaml"})).isNull();
    assertThat(CommandIndex.named(root, new String[] {"help", "list"})).isNull();
    assertThat(CommandIndex.named(root, new String[] {"lst"})).isNull();
    assertThat(CommandIndex.named(root, new String[] {"--no-such-option", "list"})).isNull();
    assertThat(CommandIndex.named(root, new String[] {"--version"})).isNull();
    assertThat(CommandIndex.COMMANDS)
        .as("every command is reachable by its own name")
        .allSatisfy(
            c ->
                assertThat(
                        CommandIndex.named(
                            root, new String[] {c.getAnnotation(CommandLine.Command.class).name()}))
                    .isIn(c, null));

    LifecycleCliTest.Result typo = LifecycleCliTest.run("lst");
    assertThat(typo.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(typo.err()).contains("Unmatched argument", "'lst'");
  }

  @Test
  void validate_namesAServiceOneEditAwayFromAStandardOne_asAWarning() throws IOException {
    Path spec = dir.resolve("typo.yaml");
    Files.writeString(spec, SPEC.replace("start: {cmd: \"true\"}", "strat: {cmd: \"true\"}"));

    LifecycleCliTest.Result text = LifecycleCliTest.run("validate", spec.toString());
    LifecycleCliTest.Result json = LifecycleCliTest.run("--json", "validate", spec.toString());

    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).startsWith("valid: ");
    assertThat(text.err()).startsWith("warning: ").contains("strat").contains("start");
    assertThat(json.code()).isZero();
    assertThat(json.out()).contains("\"warnings\"").contains("strat");
  }

  @Test
  void deleteNodes_withoutNodeIds_isAUsageError() {
    LifecycleCliTest.Result r = cli(dir.resolve("home"), "delete-nodes", "some-cluster");

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("NODE_ID").doesNotContain("NullPointerException");
  }

  @Test
  void refusedAndReadOnlyCommands_createNoHome() throws IOException {
    Path home = dir.resolve("home");
    String spec = spec().toString();
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "name: x\nversion: \"1\"\nroles: []\n");
    String[][] cases = {
      {"create", spec, "--name", "Bad_Name"},
      {"create", spec, "--name", "t1", "--count", "web=100"},
      {"create", broken.toString(), "--name", "t1"},
      {"create", spec, "--name", "t1", "--timeout", "0"},
      {"add-nodes", "nothing-here", "--role", "web", "--count", "1"},
      {"delete", "nothing-here"},
      {"recover", "nothing-here"},
      {"recover", "nothing-here", "--skip-failed"},
      {"cancel", "nothing-here"},
      {"show", "nothing-here"},
      {"plan", spec, "--name", "t1"},
      {"list"},
      {"backups", "nothing-here"}
    };
    for (String[] c : cases) {
      LifecycleCliTest.Result r = cli(home, c);

      assertThat(home).as(String.join(" ", c) + " (exit %d: %s)", r.code(), r.err()).doesNotExist();
    }
    assertThat(cli(home, "plan", spec, "--name", "t1").code()).isZero();
    assertThat(cli(home, "create", spec, "--name", "t1", "--count", "web=100").code())
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(cli(home, "show", "nothing-here").code()).isEqualTo(ExitCodes.NOT_FOUND);

    assertThat(cli(home, "create", spec, "--name", "t1").code()).isZero();
    assertThat(home).isDirectory();
  }

  @Test
  void home_database_metadataAndBackups_areOnlyTheOwners() throws IOException {
    Path home = dir.resolve("home");
    LifecycleCliTest.Result created = cli(home, "create", spec().toString(), "--name", "t1");
    assertThat(created.code()).as(created.err()).isZero();
    LifecycleCliTest.Result backup = cli(home, "backup", "t1");
    assertThat(backup.code()).as(backup.err()).isZero();

    List<Path> dirs;
    List<Path> files;
    try (Stream<Path> all = Files.walk(home)) {
      List<Path> everything = all.toList();
      dirs = everything.stream().filter(Files::isDirectory).toList();
      files =
          everything.stream()
              .filter(Files::isRegularFile)
              // the backup artifact is the script's own file: the script's umask decides
              .filter(f -> !f.getFileName().toString().equals("data"))
              .toList();
    }
    assertThat(dirs).contains(home, home.resolve("nodes"), home.resolve("backups"));
    for (Path d : dirs) {
      assertThat(Files.getPosixFilePermissions(d)).as("mode of %s", d).isEqualTo(DIRECTORY);
    }
    assertThat(files)
        .contains(
            home.resolve(Session.STORE_FILE),
            home.resolve("metadata").resolve("tree.json"),
            home.resolve("nodes").resolve("t1-web-1").resolve("metadata.json"));
    for (Path f : files) {
      assertThat(Files.getPosixFilePermissions(f)).as("mode of %s", f).isEqualTo(FILE);
    }
  }

  @Test
  void aCommandWaitingForABusyCluster_saysWhatItWaitsFor() throws Exception {
    Path home = dir.resolve("home");
    assertThat(cli(home, "create", spec().toString(), "--name", "t1").code()).isZero();
    CompletableFuture<LifecycleCliTest.Result> slow =
        CompletableFuture.supplyAsync(() -> cli(home, "run", "t1", "--service", "slow"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Files.exists(home.resolve("nodes/t1-web-1/slow.started")));

    LifecycleCliTest.Result waiting = cli(home, "--timeout", "60", "stop", "t1");

    assertThat(slow.get().code()).as(slow.get().err()).isZero();
    assertThat(waiting.code()).as(waiting.err()).isZero();
    assertThat(waiting.err()).contains("waiting for cluster t1: ").contains("is under way");
  }
}
