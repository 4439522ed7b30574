package io.clusterlifecycle.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code lifecycle-bench} command: runs the quick ({@code --quick}, about three minutes on two
 * cores) or the full ({@code --full}, JMH) suite, prints exactly one {@code name=value} line per
 * headline figure on standard output, everything else on standard error, and writes all figures
 * with details and the environment to a JSON file.
 *
 * <p>Exit status: 0 when every figure was measured (met or missed targets alike), 1 when a run
 * failed, 2 for bad arguments.
 */
public final class BenchMain {
  private BenchMain() {}

  private static final String USAGE =
      String.join(
          "\n",
          "usage: lifecycle-bench.sh (--quick | --full) [options]",
          "  --quick                 every figure once, each run in a JVM of its own, about",
          "                          three minutes on two cores",
          "  --full                  JMH (2 forks, 5x2 s warm-up, 5x2 s measurement) and repeated runs",
          "  --json FILE             where to write the figures (default: $LIFECYCLE_BENCH_JSON, else",
          "                          ./lifecycle-bench-figures.json)",
          "  --work-dir DIR          where the SQLite files and the raw log go (default: temp dir)",
          "  --create-latency SPEC   makespan runs' resource latency (default 200ms)",
          "  --command-latency SPEC  makespan runs' command latency (default 50ms)",
          "  --sizes N,N,...         makespan runs' node counts (default 100,1000,10000)",
          "  --seed N                seed of random latencies (default 1)",
          "  --only RUN,RUN,...      only these runs: makespan, plan, engine, journal, heap, resume,",
          "                          estate, cli;",
          "                          only their figures are printed",
          "  --profile DIR           CPU profiles (async-profiler flame graphs, DIR/<figure>.html) of",
          "                          the measured part of the makespan, plan, engine and journal",
          "                          figures, and of each timed run of the command-line tool",
          "                          (DIR/cli_<run>.html); figures measured so are slower",
          "SPEC: 200ms | fixed:200ms | uniform:150ms..250ms | exp:50ms..400ms (mean, cap)",
          "      | normal:50ms,10ms (mean, sd)");

  /**
   * Runs a suite.
   *
   * @param args see the usage text ({@code --help})
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs a suite with the given streams; what {@link #main} does, without exiting.
   *
   * @param args the arguments
   * @param out where the {@code name=value} lines go
   * @param err where progress, details and errors go
   * @return the exit status
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Suite.Mode mode = null;
    String json = System.getenv("LIFECYCLE_BENCH_JSON");
    if (json == null || json.isBlank()) {
      json = "lifecycle-bench-figures.json";
    }
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "lifecycle-bench");
    String create = MakespanHarness.CREATE_LATENCY.toMillis() + "ms";
    String command = MakespanHarness.COMMAND_LATENCY.toMillis() + "ms";
    List<Integer> sizes = List.of(100, 1_000, 10_000);
    long seed = 1;
    java.util.Set<Suite.Run> only = java.util.EnumSet.allOf(Suite.Run.class);
    Path profileDir = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--quick" -> mode = Suite.Mode.QUICK;
          case "--full" -> mode = Suite.Mode.FULL;
          case "--json" -> json = value(args, ++i, a);
          case "--work-dir" -> workDir = Path.of(value(args, ++i, a));
          case "--create-latency" -> create = value(args, ++i, a);
          case "--command-latency" -> command = value(args, ++i, a);
          case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
          case "--profile" -> profileDir = Path.of(value(args, ++i, a));
          case "--only" -> {
            only = java.util.EnumSet.noneOf(Suite.Run.class);
            for (String r : value(args, ++i, a).split(",")) {
              only.add(Suite.Run.parse(r.trim()));
            }
          }
          case "--sizes" -> {
            List<Integer> parsed = new ArrayList<>();
            for (String n : value(args, ++i, a).split(",")) {
              int v = Integer.parseInt(n.trim());
              if (v < MakespanHarness.ROLES) {
                throw new IllegalArgumentException(
                    "--sizes: at least " + MakespanHarness.ROLES + " nodes, was " + v);
              }
              parsed.add(v);
            }
            sizes = parsed;
          }
          case "-h", "--help" -> {
            out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      if (mode == null) {
        throw new IllegalArgumentException("say --quick or --full");
      }
      LatencyModel latency =
          new LatencyModel(Latency.parse(create, seed), Latency.parse(command, seed + 1));
      // loaded here as well when each run has a JVM of its own: a profiler that cannot sample
      // fails the suite before anything is measured
      Profiles profiles = profileDir == null ? Profiles.NONE : Profiles.into(profileDir, err);
      long t0 = System.nanoTime();
      Figures figures;
      if (mode == Suite.Mode.QUICK && only.size() > 1) {
        figures = new IsolatedRuns(suiteOptions(args), Path.of(json), err).run(only);
      } else {
        figures =
            new Suite(new Suite.Settings(mode, workDir, latency, sizes, only), err, profiles).run();
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      Map<String, Object> env = new java.util.LinkedHashMap<>(Environment.describe());
      env.put("mode", mode.name().toLowerCase(Locale.ROOT));
      env.put("suite_wall_s", Math.round(wall * 10) / 10.0);
      Path jsonFile = Path.of(json);
      figures.writeJson(jsonFile, env);
      err.printf(
          Locale.ROOT,
          "lifecycle-bench: %s suite done in %.1f s, load average %s;"
              + " figures against targets:%n",
          mode.name().toLowerCase(Locale.ROOT),
          wall,
          Environment.loadAverage());
      figures.printTargets(err);
      err.println("lifecycle-bench: wrote " + jsonFile.toAbsolutePath());
      figures.printHeadline(out, only.size() == Suite.Run.values().length);
      if (!figures.failures().isEmpty()) {
        err.println("lifecycle-bench: failed runs: " + figures.failures());
        return 1;
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("lifecycle-bench: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
  }

  /** The arguments without {@code --only} and {@code --json} and their values. */
  private static List<String> suiteOptions(String[] args) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--only") || args[i].equals("--json")) {
        i++;
      } else {
        kept.add(args[i]);
      }
    }
    return kept;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
