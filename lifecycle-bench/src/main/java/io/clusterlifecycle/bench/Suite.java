package io.clusterlifecycle.bench;

import io.clusterlifecycle.bench.Figures.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

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
      step(
          "makespan",
          () ->
              new MakespanRuns(figures, log, profiles)
                  .run(settings.mode(), settings.makespanLatency(), settings.makespanSizes()));
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
      JmhRuns jmh = new JmhRuns(figures, log, dir);
      if (settings.runs().contains(Run.PLAN)) {
        jmh.plan();
      }
      if (settings.runs().contains(Run.ENGINE)) {
        jmh.engine();
      }
      if (settings.runs().contains(Run.JOURNAL)) {
        JmhRuns.JournalRates r = jmh.journal();
        journalFigures(r.grouped(), r.ungrouped(), r.raw());
      }
    } finally {
      deleteTree(dir);
    }
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
    new ResumeRuns(figures, log, jvm, settings.workDir())
        .run(settings.mode() == Mode.QUICK ? 1 : 3);
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
    return tempDir(settings.workDir(), prefix);
  }

  /**
   * Creates a directory of its own under {@code workDir}, and {@code workDir} if need be.
   *
   * @param workDir the suite's work directory
   * @param prefix the start of the new directory's name
   * @return the new directory
   * @throws UncheckedIOException if it cannot be created
   */
  static Path tempDir(Path workDir, String prefix) {
    try {
      Files.createDirectories(workDir);
      return Files.createTempDirectory(workDir, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory in " + workDir, e);
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
