package io.clusterlifecycle.bench;

import io.clusterlifecycle.bench.Figures.Target;
import io.clusterlifecycle.bench.jmh.EngineBenchmark;
import io.clusterlifecycle.bench.jmh.JournalBenchmark;
import io.clusterlifecycle.bench.jmh.PlanBenchmark;
import io.clusterlifecycle.bench.jmh.RawFsyncBenchmark;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the benchmarks and collects their figures.
 *
 * <p>The quick suite (about three minutes on two cores) measures every figure once with direct
 * timed loops after a warm-up of a few seconds (an unmeasured run for the makespan and the resume).
 * The full suite runs the planning, engine, journal and raw-append figures as JMH benchmarks with
 * forks, warm-up and measurement iterations, and repeats the makespan and scale runs, reporting
 * medians. Both run the real engine for every figure; none is computed from constants. A run that
 * fails leaves its figures NaN and is listed in the failures; the others still run.
 */
public final class Suite {

  /** How thoroughly to measure. */
  public enum Mode {
    /** About three minutes: one measurement per figure. */
    QUICK,
    /** JMH with forks and iterations, repeated makespan and scale runs. */
    FULL
  }

  /** The runs of a suite, each giving one or more figures. */
  public enum Run {
    /** Makespan over critical path at each size. */
    MAKESPAN,
    /** Planning 10,000 nodes in 20 roles. */
    PLAN,
    /** Engine steps per second, in-memory. */
    ENGINE,
    /** Journal steps per second on SQLite, and the raw fsync'ed append. */
    JOURNAL,
    /** Heap of 10,000 clusters with 100 operations in flight. */
    HEAP,
    /** Resume of 1,000 interrupted operations. */
    RESUME,
    /** Creates in a store of 100,000 clusters. */
    ESTATE,
    /** The command-line tool's start and local creates, whole process. */
    CLI;

    /**
     * Reads a run's name.
     *
     * @param name for example {@code makespan}
     * @return the run
     * @throws IllegalArgumentException for an unknown name
     */
    public static Run parse(String name) {
      for (Run r : values()) {
        if (r.name().equalsIgnoreCase(name)) {
          return r;
        }
      }
      throw new IllegalArgumentException(
          "unknown run '"
              + name
              + "'; runs: "
              + Arrays.stream(values()).map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

  /**
   * What the command line asked for.
   *
   * @param mode the mode
   * @param workDir where databases and the raw log go (one disk)
   * @param makespanLatency the makespan runs' latencies
   * @param makespanSizes the makespan runs' node counts
   * @param runs the runs to do
   */
  public record Settings(
      Mode mode,
      Path workDir,
      LatencyModel makespanLatency,
      List<Integer> makespanSizes,
      java.util.Set<Run> runs) {
    /**
     * Copies the collections.
     *
     * @param mode the mode
     * @param workDir the work directory
     * @param makespanLatency the makespan latencies
     * @param makespanSizes the makespan sizes
     * @param runs the runs
     */
    public Settings {
      makespanSizes = List.copyOf(makespanSizes);
      runs = java.util.Set.copyOf(runs);
    }
  }

  /** How long the makespan runs of each size warm up at least: as long as a JMH fork here. */
  private static final long WARM_UP_NANOS = 10_000_000_000L;

  private final Settings settings;
  private final PrintStream log;
  private final Profiles profiles;
  private final Figures figures = new Figures();
  private final ChildJvm jvm = new ChildJvm();

  /**
   * Prepares a suite.
   *
   * @param settings what to run
   * @param log where progress and details go (standard error)
   */
  public Suite(Settings settings, PrintStream log) {
    this(settings, log, Profiles.NONE);
  }

  /**
   * Prepares a suite that profiles the measured parts of the figures it measures in its own JVM.
   *
   * @param settings what to run
   * @param log where progress and details go (standard error)
   * @param profiles where the profiles go, or {@link Profiles#NONE}
   */
  Suite(Settings settings, PrintStream log, Profiles profiles) {
    this.settings = settings;
    this.log = log;
    this.profiles = profiles;
  }

  /**
   * Runs every figure.
   *
   * @return the figures
   */
  public Figures run() {
    log.printf(
        Locale.ROOT,
        "lifecycle-bench: %s suite, load average %s, work dir %s%n",
        settings.mode().name().toLowerCase(Locale.ROOT),
        Environment.loadAverage(),
        settings.workDir());
    java.util.Set<Run> runs = settings.runs();
    if (runs.contains(Run.MAKESPAN)) {
      step("makespan", this::makespan);
    }
    if (settings.mode() == Mode.QUICK) {
      if (runs.contains(Run.PLAN)) {
        step("planning", this::planQuick);
      }
      if (runs.contains(Run.ENGINE)) {
        step("engine", this::engineQuick);
      }
      if (runs.contains(Run.JOURNAL)) {
        step("journal", this::journalQuick);
      }
    } else if (runs.contains(Run.PLAN) || runs.contains(Run.ENGINE) || runs.contains(Run.JOURNAL)) {
      step("JMH", this::jmh);
    }
    if (runs.contains(Run.HEAP)) {
      step("heap", this::heap);
    }
    if (runs.contains(Run.RESUME)) {
      step("resume", this::resume);
    }
    if (runs.contains(Run.ESTATE)) {
      step("estate", this::estate);
    }
    if (runs.contains(Run.CLI)) {
      step("cli", () -> inTempDir("cli", dir -> new CliRun(figures, log, profiles).run(dir)));
    }
    return figures;
  }

  private void step(String name, Runnable run) {
    long t0 = System.nanoTime();
    try {
      run.run();
    } catch (RuntimeException | Error e) {
      figures.failed(name + ": " + e);
      log.println("lifecycle-bench: " + name + " FAILED: " + e);
      e.printStackTrace(log);
    }
    log.printf(
        Locale.ROOT, "lifecycle-bench: %s took %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------------------ makespan

  private void makespan() {
    // warm the engine's code paths (JIT) the way a long-running engine is warm
    try (EngineWorkload warm = new EngineWorkload(null)) {
      for (int i = 0; i < (settings.mode() == Mode.QUICK ? 3 : 10); i++) {
        warm.createOne(EngineWorkload.SINGLE_NODES);
      }
    }
    LatencyModel latency = settings.makespanLatency();
    figures.detail("makespan_latency", latency.toString());
    for (int nodes : settings.makespanSizes()) {
      boolean quick = settings.mode() == Mode.QUICK;
      int repeats = quick ? (nodes <= 1_000 ? 3 : 1) : (nodes <= 1_000 ? 7 : 3);
      // warm-up: unmeasured runs of the measured workload itself for at least as long as the JMH
      // runs warm up (5 x 2 s), and at least five of them: at 1,000 nodes the ratio still fell
      // after ten runs (docs/performance.md). The first, the cold figure, is kept in the details
      long warmEnd = System.nanoTime() + WARM_UP_NANOS;
      for (int i = 0; i < 5 || System.nanoTime() < warmEnd; i++) {
        MakespanHarness.Result w = MakespanHarness.run(nodes, MakespanHarness.ROLES, latency);
        if (i == 0) {
          figures.detail("makespan_ratio_" + nodes + "_first", w.ratio());
          log.printf(
              Locale.ROOT, "makespan %d nodes, first run (cold): ratio %.4f%n", nodes, w.ratio());
        }
      }
      List<MakespanHarness.Result> runs =
          profiles.sample(
              "makespan_" + nodes,
              () -> {
                List<MakespanHarness.Result> measured = new ArrayList<>();
                for (int i = 0; i < repeats; i++) {
                  measured.add(MakespanHarness.run(nodes, MakespanHarness.ROLES, latency));
                }
                return measured;
              });
      runs.sort(Comparator.comparingLong(MakespanHarness.Result::makespanNanos));
      MakespanHarness.Result median = runs.get(runs.size() / 2);
      log.println(median.breakdown());
      double[] ratios = runs.stream().mapToDouble(MakespanHarness.Result::ratio).toArray();
      figures.detail("makespan_ms_" + nodes, median.makespanNanos() / 1e6);
      figures.detail("critical_path_ms_" + nodes, median.critical().millis());
      figures.detail("makespan_gc_ms_" + nodes, median.gcMillis());
      figures.detail("makespan_ratios_" + nodes, Arrays.stream(ratios).boxed().toList());
      Target t =
          switch (nodes) {
            case 100 -> Target.MAKESPAN_100;
            case 1_000 -> Target.MAKESPAN_1000;
            case 10_000 -> Target.MAKESPAN_10000;
            default -> null;
          };
      if (t != null) {
        figures.put(t, median.ratio());
      } else {
        figures.detail("makespan_ratio_" + nodes, median.ratio());
      }
    }
    // the same with random latencies (uniform creation, exponential commands), at 1,000 nodes
    // or the largest size below
    int randomNodes =
        settings.makespanSizes().stream()
            .filter(n -> n <= 1_000)
            .max(Integer::compare)
            .orElse(1_000);
    LatencyModel random =
        new LatencyModel(
            Latency.uniform(java.time.Duration.ofMillis(150), java.time.Duration.ofMillis(250), 7),
            Latency.exponential(
                java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(250), 11));
    MakespanHarness.Result r = MakespanHarness.run(randomNodes, MakespanHarness.ROLES, random);
    log.println("random latencies (" + random + "):\n" + r.breakdown());
    figures.detail("makespan_ratio_" + randomNodes + "_random", r.ratio());
    figures.detail("critical_path_ms_" + randomNodes + "_random", r.critical().millis());
  }

  // ------------------------------------------------------------------------------ quick loops

  private void planQuick() {
    try (PlanWorkload w = new PlanWorkload()) {
      long start = System.nanoTime();
      long steps = w.planOnce().steps().count();
      double first = (System.nanoTime() - start) / 1e6;
      // warm-up: at least 5 s and 10 plans, as the engine run's; after 2 s a slower machine still
      // planned at 55-60 ms until the compiler caught up at about 2.7 s, then at 7-8 ms
      // (docs/performance.md)
      long until = System.nanoTime() + 5_000_000_000L;
      for (int i = 0; i < 10 || System.nanoTime() < until; i++) {
        w.planOnce();
      }
      double[] ms =
          profiles.sample(
              Target.PLAN.figure(),
              () -> {
                double[] measured = new double[15];
                for (int i = 0; i < measured.length; i++) {
                  long t0 = System.nanoTime();
                  w.planOnce();
                  measured[i] = (System.nanoTime() - t0) / 1e6;
                }
                return measured;
              });
      Arrays.sort(ms);
      figures.put(Target.PLAN, ms[ms.length / 2]);
      figures.detail("plan_steps_10000x20", steps);
      figures.detail("plan_ms_10000x20_min", ms[0]);
      figures.detail("plan_ms_10000x20_first", first);
      log.printf(
          Locale.ROOT,
          "plan 10,000 x 20: median %.1f ms, min %.1f ms (%d steps); the first plan (cold): %.1f"
              + " ms%n",
          ms[ms.length / 2],
          ms[0],
          steps,
          first);
    }
  }

  private void engineQuick() {
    try (EngineWorkload w = new EngineWorkload(null)) {
      double single =
          rate(Target.ENGINE.figure(), () -> w.createOne(EngineWorkload.SINGLE_NODES), 5, 2.5);
      figures.put(Target.ENGINE, single);
      log.printf(
          Locale.ROOT,
          "engine, one create of %d nodes at a time: %.0f steps/s%n",
          EngineWorkload.SINGLE_NODES,
          single);
    }
    try (EngineWorkload w = new EngineWorkload(null)) {
      double many =
          rate(
              "engine_steps_per_s_100_ops",
              () -> w.createMany(EngineWorkload.CONCURRENT_OPS, EngineWorkload.CONCURRENT_NODES),
              1,
              2.5);
      figures.detail("engine_steps_per_s_100_ops", many);
      log.printf(
          Locale.ROOT,
          "engine, %d creates of %d nodes at once: %.0f steps/s%n",
          EngineWorkload.CONCURRENT_OPS,
          EngineWorkload.CONCURRENT_NODES,
          many);
    }
  }

  private void journalQuick() {
    Path dir = tempDir("journal");
    try {
      double grouped;
      try (EngineWorkload w = EngineWorkload.onSqlite(dir.resolve("grouped.db"), true)) {
        grouped =
            rate(Target.JOURNAL.figure(), () -> w.createOne(EngineWorkload.SINGLE_NODES), 6, 3);
      }
      double ungrouped;
      try (EngineWorkload w = EngineWorkload.onSqlite(dir.resolve("ungrouped.db"), false)) {
        ungrouped =
            rate(
                "journal_steps_per_s_ungrouped",
                () -> w.createOne(EngineWorkload.SINGLE_NODES / 10),
                1,
                1.5);
      }
      double raw;
      try (RawFsyncAppend a = new RawFsyncAppend(dir.resolve("raw.log"))) {
        a.measure(300_000_000L);
        raw = a.measure(1_500_000_000L);
      }
      journalFigures(grouped, ungrouped, raw);
    } finally {
      deleteTree(dir);
    }
  }

  private void journalFigures(double grouped, double ungrouped, double raw) {
    figures.put(Target.JOURNAL, grouped);
    figures.put(Target.JOURNAL_VS_RAW, grouped / raw);
    figures.detail("journal_steps_per_s_ungrouped", ungrouped);
    figures.detail("raw_fsync_steps_per_s", raw);
    log.printf(
        Locale.ROOT,
        "journal on SQLite: %.0f steps/s grouped, %.0f steps/s with a"
            + " transaction per entry; raw fsync'ed append: %.0f steps/s%n",
        grouped,
        ungrouped,
        raw);
  }

  /**
   * Steps per second of a workload: untimed calls until at least {@code warmupSeconds} have passed
   * (none if it is 0), then calls until at least {@code seconds} have passed (and at least one
   * call). The warm-up is time-bound like JMH's: in a JVM of its own the compilers take much of
   * both cores for several seconds, and a count of calls gave figures that depended on that
   * instead.
   */
  private double rate(
      String profile,
      java.util.function.LongSupplier stepsOfOneCall,
      double warmupSeconds,
      double seconds) {
    long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    while (System.nanoTime() < warmEnd) {
      long unused = stepsOfOneCall.getAsLong(); // warm-up calls are not counted
    }
    return profiles.sample(
        profile,
        () -> {
          long steps = 0;
          long t0 = System.nanoTime();
          long now;
          do {
            steps += stepsOfOneCall.getAsLong();
            now = System.nanoTime();
          } while (now - t0 < seconds * 1e9);
          return steps / ((now - t0) / 1e9);
        });
  }

  // ------------------------------------------------------------------------------ JMH

  private void jmh() {
    Path dir = tempDir("jmh");
    try {
      Options base =
          new OptionsBuilder()
              .forks(2)
              .warmupIterations(5)
              .warmupTime(TimeValue.seconds(2))
              .measurementIterations(5)
              .measurementTime(TimeValue.seconds(2))
              .jvmArgsAppend(
                  "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dlifecycle.bench.dir=" + dir)
              .shouldFailOnError(true)
              .build();
      if (settings.runs().contains(Run.PLAN)) {
        Collection<RunResult> plan =
            runJmh(new OptionsBuilder().parent(base).include(PlanBenchmark.class.getName()));
        figures.put(Target.PLAN, only(plan).getPrimaryResult().getScore());
      }
      if (settings.runs().contains(Run.ENGINE)) {
        Collection<RunResult> engine =
            runJmh(new OptionsBuilder().parent(base).include(EngineBenchmark.class.getName()));
        for (RunResult r : engine) {
          double steps = secondary(r, "steps");
          if (r.getParams().getBenchmark().endsWith("singleOperation")) {
            figures.put(Target.ENGINE, steps);
          } else {
            figures.detail("engine_steps_per_s_100_ops", steps);
          }
        }
      }
      if (!settings.runs().contains(Run.JOURNAL)) {
        return;
      }
      Collection<RunResult> journal =
          runJmh(new OptionsBuilder().parent(base).include(JournalBenchmark.class.getName()));
      double grouped = Double.NaN;
      double ungrouped = Double.NaN;
      for (RunResult r : journal) {
        if (Boolean.parseBoolean(r.getParams().getParam("grouped"))) {
          grouped = secondary(r, "steps");
        } else {
          ungrouped = secondary(r, "steps");
        }
      }
      Collection<RunResult> raw =
          runJmh(new OptionsBuilder().parent(base).include(RawFsyncBenchmark.class.getName()));
      journalFigures(grouped, ungrouped, only(raw).getPrimaryResult().getScore());
    } finally {
      deleteTree(dir);
    }
  }

  private Collection<RunResult> runJmh(ChainedOptionsBuilder options) {
    try {
      // JMH's report goes to standard error with the rest of the progress: standard output
      // carries nothing but the name=value figures
      return new Runner(
              options.build(), OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL))
          .run();
    } catch (RunnerException e) {
      throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
    }
  }

  private static RunResult only(Collection<RunResult> results) {
    if (results.size() != 1) {
      throw new IllegalStateException("expected one JMH result, got " + results.size());
    }
    return results.iterator().next();
  }

  private static double secondary(RunResult r, String name) {
    Map<String, Result> s = r.getSecondaryResults();
    Result v = s.get(name);
    if (v == null) {
      throw new IllegalStateException(
          "JMH result " + r.getParams().getBenchmark() + " has no " + name + " counter");
    }
    return v.getScore();
  }

  // ------------------------------------------------------------------------------ scale runs

  private void heap() {
    boolean seeded = settings.mode() == Mode.QUICK;
    ScaleRun.Result r = ScaleRun.inChild(jvm, ScaleRun.CLUSTERS, ScaleRun.IN_FLIGHT, seeded);
    double mb = r.heapBytes() / (1024.0 * 1024.0);
    figures.put(Target.HEAP, mb);
    figures.detail("heap_estate", seeded ? "copied into the store" : "created through the engine");
    figures.detail("heap_mb_10000_clusters_idle", r.heapIdleBytes() / (1024.0 * 1024.0));
    figures.detail("heap_max_mb", r.maxHeapBytes() / (1024.0 * 1024.0));
    figures.detail("heap_estate_build_s", r.createSeconds());
    log.printf(
        Locale.ROOT,
        "scale run in -Xmx512m: %d clusters, %d operations in flight:"
            + " %.1f MB in use after GC (%.1f MB idle); estate built in %.1f s%n",
        r.clusters(),
        r.inFlight(),
        mb,
        r.heapIdleBytes() / (1024.0 * 1024.0),
        r.createSeconds());
    if (settings.mode() == Mode.FULL) {
      ScaleRun.Result s = ScaleRun.inChild(jvm, ScaleRun.CLUSTERS, ScaleRun.IN_FLIGHT, true);
      figures.detail("heap_mb_10000_clusters_copied_estate", s.heapBytes() / (1024.0 * 1024.0));
    }
  }

  private void resume() {
    int repeats = settings.mode() == Mode.QUICK ? 1 : 3;
    List<Double> seconds = new ArrayList<>();
    // warm-up: one unmeasured resume first, as for the makespan: in a fresh JVM the compilers take
    // most of both cores during the first (docs/performance.md); its figure is kept in the details
    for (int i = -1; i < repeats; i++) {
      Path dir = tempDir("resume");
      try {
        ResumeRun.Result r = ResumeRun.run(dir, ResumeRun.OPERATIONS, jvm);
        if (i < 0) {
          firstResume("resume_s_1000_ops_first", "", r);
          continue;
        }
        seconds.add(r.resumeSeconds());
        log.printf(
            Locale.ROOT,
            "resume of %d operations interrupted by SIGKILL: %.2f s, of which"
                + " %.2f s building the engine (it starts the recoveries before it returns); setup"
                + " %.1f s%n",
            r.operations(),
            r.resumeSeconds(),
            r.buildNanos() / 1e9,
            r.setupNanos() / 1e9);
        figures.detail("resume_build_s", r.buildNanos() / 1e9);
        figures.detail("resume_store_calls", r.storeCalls());
        figures.detail("resume_store_calls_by_thread", r.storeThreads());
        figures.detail("resume_commits", r.commits());
        log.println(
            "  store calls during the resume: "
                + r.storeCalls()
                + "; by thread: "
                + r.storeThreads()
                + "; transactions committed: "
                + r.commits());
      } finally {
        deleteTree(dir);
      }
    }
    seconds.sort(null);
    figures.put(Target.RESUME, seconds.get(seconds.size() / 2));
    figures.detail("resume_s_runs", seconds);
    resumeOnPostgres(repeats);
  }

  private void firstResume(String detail, String where, ResumeRun.Result r) {
    figures.detail(detail, r.resumeSeconds());
    log.printf(
        Locale.ROOT,
        "resume of %d operations%s, first run (cold JVM, not counted): %.2f s%n",
        r.operations(),
        where,
        r.resumeSeconds());
  }

  /**
   * The same resume on a PostgreSQL server of this machine (Debian's package, installed if need
   * be), after a warm-up run of its own (the driver's code is new to the JVM).
   */
  private void resumeOnPostgres(int repeats) {
    List<Double> seconds = new ArrayList<>();
    try (io.clusterlifecycle.testsupport.PostgresServer pg =
        io.clusterlifecycle.testsupport.PostgresServer.start()) {
      for (int i = -1; i < repeats; i++) {
        ResumeRun.Result r =
            ResumeRun.run(
                pg.createDatabase(),
                io.clusterlifecycle.testsupport.PostgresServer.USER,
                io.clusterlifecycle.testsupport.PostgresServer.PASSWORD,
                ResumeRun.OPERATIONS,
                jvm);
        if (i < 0) {
          firstResume("resume_s_1000_ops_postgres_first", " on PostgreSQL", r);
          continue;
        }
        seconds.add(r.resumeSeconds());
        log.printf(
            Locale.ROOT,
            "resume of %d operations on PostgreSQL: %.2f s (setup %.1f s); store calls %s;"
                + " transactions committed: %d%n",
            r.operations(),
            r.resumeSeconds(),
            r.setupNanos() / 1e9,
            r.storeCalls(),
            r.commits());
        figures.detail("resume_commits_postgres", r.commits());
      }
    } catch (Exception e) {
      throw new IllegalStateException("the resume run on PostgreSQL failed: " + e, e);
    }
    seconds.sort(null);
    figures.put(Target.RESUME_POSTGRES, seconds.get(seconds.size() / 2));
    figures.detail("resume_s_runs_postgres", seconds);
  }

  private void estate() {
    inTempDir("estate", dir -> new EstateRun(figures, log).run(dir));
  }

  private void inTempDir(String prefix, java.util.function.Consumer<Path> run) {
    Path dir = tempDir(prefix);
    try {
      run.accept(dir);
    } finally {
      deleteTree(dir);
    }
  }

  // ------------------------------------------------------------------------------ files

  private Path tempDir(String prefix) {
    try {
      Files.createDirectories(settings.workDir());
      return Files.createTempDirectory(settings.workDir(), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory in " + settings.workDir(), e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
