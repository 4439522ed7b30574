package io.clusterlifecycle.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The command-line tool timed as a user runs it, whole process: {@code ./lifecycle list} on an
 * empty home ({@code cli_start_s}), and {@code ./lifecycle create} on the local infrastructure of a
 * spec of 100 and of 1,000 nodes in two roles whose init and start are {@code sleep 0.05}, each in
 * two order groups: four command stages, 0.2 s of critical path ({@code local_create_100_s}, {@code
 * local_create_1000_s}). Each figure is the median of several runs in one sitting, after one run
 * that is not counted (it builds the tool's jar and class-data archive when they are stale); the
 * details hold every run. Each run has a new home, and the homes stay until the suite deletes the
 * run's directory: deleting one just before the next run made ext4 scan the thousands of inodes it
 * had just freed at every file the next run created (a sixth of that run's CPU samples, in {@code
 * recently_deleted}), which is the benchmark's own doing and not what a user's create meets.
 */
final class CliRun {
  private static final int START_RUNS = 5;
  private static final int CREATE_RUNS = 3;
  private static final String WARM_UP = "warm-up";

  private final Figures figures;
  private final PrintStream log;
  private final Profiles profiles;
  private final Path launcher;

  /**
   * @param profiles when enabled, every timed run's JVM is sampled from its start and its profile
   *     written as {@code cli_<home>.html}; the untimed first run is not
   */
  CliRun(Figures figures, PrintStream log, Profiles profiles) {
    this.figures = figures;
    this.log = log;
    this.profiles = profiles;
    this.launcher = root().resolve("lifecycle");
  }

  /** Runs every timed command in {@code dir}, which the caller deletes afterwards. */
  void run(Path dir) {
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(
          "no executable " + launcher + "; run the suite from the repository's lifecycle-bench.sh");
    }
    time(dir, WARM_UP, List.of("--version"));
    List<Double> start = new ArrayList<>();
    for (int i = 0; i < START_RUNS; i++) {
      start.add(time(dir, "start-" + i, List.of("list")));
    }
    put(Figures.Target.CLI_START, start);
    for (int nodes : new int[] {100, 1_000}) {
      Path spec = writeSpec(dir, nodes);
      List<Double> runs = new ArrayList<>();
      for (int i = 0; i < CREATE_RUNS; i++) {
        runs.add(time(dir, nodes + "-" + i, List.of("create", spec.toString(), "--name", "s1")));
      }
      put(nodes == 100 ? Figures.Target.LOCAL_CREATE_100 : Figures.Target.LOCAL_CREATE_1000, runs);
    }
  }

  private void put(Figures.Target target, List<Double> runs) {
    List<Double> sorted = new ArrayList<>(runs);
    sorted.sort(null);
    double median = sorted.get(sorted.size() / 2);
    figures.put(target, median);
    figures.detail(target.figure() + "_runs", runs);
    log.printf(
        Locale.ROOT,
        "%s: min %.2f s, median %.2f s, max %.2f s over %d runs%n",
        target.figure(),
        sorted.get(0),
        median,
        sorted.get(sorted.size() - 1),
        runs.size());
  }

  /** Runs the tool on a new home and returns its wall time in seconds; fails if it fails. */
  private double time(Path dir, String home, List<String> args) {
    List<String> command = new ArrayList<>(List.of(launcher.toString(), "--home"));
    command.add(dir.resolve("home-" + home).toString());
    command.addAll(args);
    Path output = dir.resolve("output-" + home + ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      if (!home.equals(WARM_UP)) {
        // the java launcher adds these to the tool's own options (LIFECYCLE_JAVA_OPTS or its
        // defaults) without replacing them
        profiles
            .agentOptions("cli_" + home)
            .ifPresent(
                agent ->
                    builder.environment().merge("JDK_JAVA_OPTIONS", agent, (a, b) -> a + " " + b));
      }
      long t0 = System.nanoTime();
      Process p = builder.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end in 10 minutes");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited "
                + p.exitValue()
                + ": "
                + Files.readString(output).strip());
      }
      return seconds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Path writeSpec(Path dir, int nodes) {
    StringBuilder spec = new StringBuilder("name: sleeper\nversion: \"1\"\nroles:\n");
    for (int order = 1; order <= 2; order++) {
      spec.append("  - role: r")
          .append(order)
          .append("\n    count: ")
          .append(nodes / 2)
          .append("\n    max_nodes: 100000\n    services:\n      init: {cmd: sleep 0.05, order: ")
          .append(order)
          .append("}\n      start: {cmd: sleep 0.05, order: ")
          .append(order)
          .append("}\n");
    }
    Path file = dir.resolve("sleeper-" + nodes + ".yaml");
    try {
      Files.writeString(file, spec.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The repository: {@code $LIFECYCLE_BENCH_ROOT}, else two levels above the bench jar. */
  private static Path root() {
    String env = System.getenv("LIFECYCLE_BENCH_ROOT");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    try {
      Path jar = Path.of(CliRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.toAbsolutePath().getParent().getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot find the repository", e);
    }
  }
}
