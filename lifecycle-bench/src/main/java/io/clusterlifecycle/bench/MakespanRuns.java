package io.clusterlifecycle.bench;

import io.clusterlifecycle.bench.Figures.Target;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The suite's makespan figures: at each size, warm-up runs of the measured workload, then measured
 * runs whose median ratio is the figure; the breakdown of the median run, its collections and page
 * faults go to the details. Then one run with random latencies.
 */
final class MakespanRuns {

  /** How long the makespan runs of each size warm up at least: as long as a JMH fork here. */
  private static final long WARM_UP_NANOS = 10_000_000_000L;

  private final Figures figures;
  private final PrintStream log;
  private final Profiles profiles;

  /**
   * @param figures where the figures go
   * @param log where progress and breakdowns go
   * @param profiles profiles the measured runs, or {@link Profiles#NONE}
   */
  MakespanRuns(Figures figures, PrintStream log, Profiles profiles) {
    this.figures = figures;
    this.log = log;
    this.profiles = profiles;
  }

  /**
   * Measures every size.
   *
   * @param mode three measured runs at up to 1,000 nodes and one above (quick), or seven and three
   * @param latency the simulated SPIs' latencies
   * @param sizes the node counts
   */
  void run(Suite.Mode mode, LatencyModel latency, List<Integer> sizes) {
    // warm the engine's code paths (JIT) the way a long-running engine is warm
    try (EngineWorkload warm = new EngineWorkload(null)) {
      for (int i = 0; i < (mode == Suite.Mode.QUICK ? 3 : 10); i++) {
        warm.createOne(EngineWorkload.SINGLE_NODES);
      }
    }
    figures.detail("makespan_latency", latency.toString());
    boolean quick = mode == Suite.Mode.QUICK;
    for (int nodes : sizes) {
      measure(nodes, latency, quick ? (nodes <= 1_000 ? 3 : 1) : (nodes <= 1_000 ? 7 : 3));
    }
    // the same with random latencies (uniform creation, exponential commands), at 1,000 nodes
    // or the largest size below
    int randomNodes = sizes.stream().filter(n -> n <= 1_000).max(Integer::compare).orElse(1_000);
    LatencyModel random =
        new LatencyModel(
            Latency.uniform(Duration.ofMillis(150), Duration.ofMillis(250), 7),
            Latency.exponential(Duration.ofMillis(50), Duration.ofMillis(250), 11));
    MakespanHarness.Result r = MakespanHarness.run(randomNodes, MakespanHarness.ROLES, random);
    log.println("random latencies (" + random + "):\n" + r.breakdown());
    figures.detail("makespan_ratio_" + randomNodes + "_random", r.ratio());
    figures.detail("critical_path_ms_" + randomNodes + "_random", r.critical().millis());
  }

  private void measure(int nodes, LatencyModel latency, int repeats) {
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
    if (median.minorFaults() != PageFaults.UNKNOWN) {
      figures.detail("makespan_minor_faults_" + nodes, median.minorFaults());
    }
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
}
