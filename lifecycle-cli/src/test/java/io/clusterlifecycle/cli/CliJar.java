package io.clusterlifecycle.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The tool's jar as the integration tests run it: a JVM of its own per command line. */
final class CliJar {
  /** The jar {@code ./lifecycle} runs, built by the package phase before the tests that use it. */
  static final Path JAR =
      Path.of(System.getProperty("lifecycle.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("lifecycle-cli/target/lifecycle-cli.jar");

  private CliJar() {}

  /**
   * The command that runs the tool on a home with the launcher's JVM options.
   *
   * @param home the {@code --home}
   * @param args what follows it
   */
  static List<String> command(Path home, List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString(),
                "--home",
                home.toString()));
    cmd.addAll(args);
    return cmd;
  }
}
