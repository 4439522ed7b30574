package io.clusterlifecycle.bench;

import io.clusterlifecycle.bench.Figures.Target;
import io.clusterlifecycle.bench.jmh.EngineBenchmark;
import io.clusterlifecycle.bench.jmh.JournalBenchmark;
import io.clusterlifecycle.bench.jmh.PlanBenchmark;
import io.clusterlifecycle.bench.jmh.RawFsyncBenchmark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
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
 * The full suite's planning, engine and journal figures as JMH benchmarks: two forks, five warm-up
 * and five measured iterations of 2 s each. JMH's report goes to the log.
 */
final class JmhRuns {

  /** The journal's rates, in steps per second. */
  record JournalRates(double grouped, double ungrouped, double raw) {}

  private final Figures figures;
  private final PrintStream log;
  private final Options base;

  /**
   * @param figures where the planning and engine figures go
   * @param log where JMH's report goes (standard error: standard output carries only figures)
   * @param dir the benchmarks' work directory (databases, the raw log)
   */
  JmhRuns(Figures figures, PrintStream log, Path dir) {
    this.figures = figures;
    this.log = log;
    this.base =
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
  }

  /** Puts the planning figure. */
  void plan() {
    Collection<RunResult> plan = run(PlanBenchmark.class);
    figures.put(Target.PLAN, only(plan).getPrimaryResult().getScore());
  }

  /**
   * Puts the engine figure, one operation at a time, and the rate of 100 at once in the details.
   */
  void engine() {
    for (RunResult r : run(EngineBenchmark.class)) {
      double steps = secondary(r, "steps");
      if (r.getParams().getBenchmark().endsWith("singleOperation")) {
        figures.put(Target.ENGINE, steps);
      } else {
        figures.detail("engine_steps_per_s_100_ops", steps);
      }
    }
  }

  /**
   * Measures the journal on SQLite, grouped and ungrouped, and the raw {@code fsync}'ed append.
   *
   * @return the three rates; the caller puts the figures
   */
  JournalRates journal() {
    double grouped = Double.NaN;
    double ungrouped = Double.NaN;
    for (RunResult r : run(JournalBenchmark.class)) {
      if (Boolean.parseBoolean(r.getParams().getParam("grouped"))) {
        grouped = secondary(r, "steps");
      } else {
        ungrouped = secondary(r, "steps");
      }
    }
    double raw = only(run(RawFsyncBenchmark.class)).getPrimaryResult().getScore();
    return new JournalRates(grouped, ungrouped, raw);
  }

  private Collection<RunResult> run(Class<?> benchmark) {
    ChainedOptionsBuilder options = new OptionsBuilder().parent(base).include(benchmark.getName());
    try {
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
}
