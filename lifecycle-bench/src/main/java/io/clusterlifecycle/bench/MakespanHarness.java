package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.state.OperationState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Creates one cluster through the engine on the real clock with the simulated SPIs, measures its
 * makespan (from {@code submit} to the operation's end) and divides it by the critical path of the
 * plan the engine ran ({@link CriticalPath}). Everything above 1.0 is engine overhead: preparing
 * and recording the operation, starting and finishing steps, moving between stages.
 */
public final class MakespanHarness {

  /** The issue's resource-creation latency. */
  public static final Duration CREATE_LATENCY = Duration.ofMillis(200);

  /** The issue's command latency. */
  public static final Duration COMMAND_LATENCY = Duration.ofMillis(50);

  /** The issue's number of roles. */
  public static final int ROLES = 4;

  private MakespanHarness() {}

  /**
   * One measured create.
   *
   * @param nodes the cluster's nodes
   * @param steps the steps of the plan
   * @param makespanNanos submit to the end of the operation
   * @param critical the plan's critical path
   * @param prepareNanos submit to the start of the first stage (planning, records)
   * @param stages how long each stage took, with its critical share
   * @param finishNanos end of the last stage to the end of the operation
   * @param gcMillis time the JVM's collectors reported during the run (pauses, for G1's young
   *     collections)
   * @param minorFaults the process's minor page faults during the run, or {@link
   *     PageFaults#UNKNOWN}
   */
  public record Result(
      int nodes,
      long steps,
      long makespanNanos,
      CriticalPath critical,
      long prepareNanos,
      List<StageTime> stages,
      long finishNanos,
      long gcMillis,
      long minorFaults) {

    /**
     * Copies the stages.
     *
     * @param nodes nodes
     * @param steps steps
     * @param makespanNanos makespan
     * @param critical critical path
     * @param prepareNanos preparation
     * @param stages per stage
     * @param finishNanos finishing
     * @param gcMillis collection time
     * @param minorFaults minor page faults
     */
    public Result {
      stages = List.copyOf(stages);
    }

    /**
     * Makespan over critical path.
     *
     * @return the ratio, {@code >= 1} unless the clock misbehaves
     */
    public double ratio() {
      return (double) makespanNanos / critical.nanos();
    }

    /**
     * A human-readable breakdown of where the time went.
     *
     * @return lines
     */
    public String breakdown() {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "makespan %d nodes: %.1f ms over a critical path of %.1f ms (ratio %.4f), %d steps%n"
                      + "  submit -> first stage: %.1f ms%n",
                  nodes,
                  makespanNanos / 1e6,
                  critical.millis(),
                  ratio(),
                  steps,
                  prepareNanos / 1e6));
      for (StageTime t : stages) {
        s.append(
            String.format(
                Locale.ROOT,
                "  %-18s %6d steps %7.1f ms (critical %5.1f, +%6.1f):"
                    + " last call issued at +%.1f, completions up to %.1f late, stage ended %.1f after"
                    + " the last began; %.1f to the next stage%n",
                t.name(),
                t.steps(),
                t.nanos() / 1e6,
                t.criticalNanos() / 1e6,
                (t.nanos() - t.criticalNanos()) / 1e6,
                t.issueNanos() / 1e6,
                t.maxLagNanos() / 1e6,
                t.drainNanos() / 1e6,
                t.gapNanos() / 1e6));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "  last stage -> operation end: %.1f ms; garbage"
                  + " collection during the run: %d ms; minor page faults: %s",
              finishNanos / 1e6,
              gcMillis,
              minorFaults == PageFaults.UNKNOWN ? "unknown" : String.valueOf(minorFaults)));
      return s.toString();
    }
  }

  /**
   * One stage of a measured run.
   *
   * @param name the stage
   * @param steps its steps
   * @param nanos from its start to its end
   * @param criticalNanos its slowest step's latency
   * @param gapNanos from its end to the next stage's start (or to the last stage's end: 0)
   * @param calls SPI calls made during the stage
   * @param issueNanos from the stage's start to its last SPI call: how long the engine took to
   *     start all of its steps
   * @param maxLagNanos the latest an SPI call's completion began after its latency ran out:
   *     completions queue behind the engine's work on earlier ones, which runs on the same threads
   *     (and behind garbage-collection pauses)
   * @param drainNanos from the start of the last SPI call's completion to the stage's end
   */
  public record StageTime(
      String name,
      int steps,
      long nanos,
      long criticalNanos,
      long gapNanos,
      int calls,
      long issueNanos,
      long maxLagNanos,
      long drainNanos) {}

  /**
   * Creates a cluster of {@code nodes} nodes in {@link #ROLES} roles, with the issue's latencies
   * (resource creation 200 ms, command 50 ms), unbounded steps in flight.
   *
   * @param nodes nodes
   * @return the measurement
   */
  public static Result run(int nodes) {
    return run(
        nodes,
        ROLES,
        new LatencyModel(Latency.fixed(CREATE_LATENCY), Latency.fixed(COMMAND_LATENCY)));
  }

  /**
   * Creates a cluster and measures it.
   *
   * @param nodes nodes
   * @param roles roles, {@code >= 2}
   * @param latency the SPIs' latencies
   * @return the measurement
   * @throws IllegalStateException if the operation failed or skipped SPI calls
   */
  public static Result run(int nodes, int roles, LatencyModel latency) {
    StageClock clock = new StageClock();
    try (BenchEngine bench = BenchEngine.start(BenchEngine.Options.of(latency).listener(clock))) {
      CreateCluster request = BenchSpecs.orderedGroups("mk" + nodes, nodes, roles);
      long[] end = new long[1];
      bench.times().start();
      long gcBefore = gcMillis();
      long faultsBefore = PageFaults.minor();
      long start = System.nanoTime();
      CompletableFuture<Operation> submitted =
          bench.engine().submit(request).whenComplete((op, e) -> end[0] = System.nanoTime());
      Operation op;
      try {
        op = submitted.get(10, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new IllegalStateException("create of " + nodes + " nodes failed: " + e, e);
      }
      long makespan = end[0] - start;
      long gc = gcMillis() - gcBefore;
      long faultsAfter = PageFaults.minor();
      long faults =
          faultsBefore == PageFaults.UNKNOWN || faultsAfter == PageFaults.UNKNOWN
              ? PageFaults.UNKNOWN
              : faultsAfter - faultsBefore;
      if (op.state() != OperationState.SUCCEEDED) {
        throw new IllegalStateException(
            "create of " + nodes + " nodes ended " + op.state() + ": " + op.error().orElse(""));
      }
      if (bench.resources().calls() != nodes || bench.commands().runs() != 2L * nodes) {
        throw new IllegalStateException(
            "create of "
                + nodes
                + " nodes made "
                + bench.resources().calls()
                + " provider calls and "
                + bench.commands().runs()
                + " command runs; expected "
                + nodes
                + " and "
                + 2 * nodes);
      }
      CriticalPath critical = CriticalPath.of(op.plan(), latency);
      List<StageClock.Span> spans = clock.spans();
      List<CallTimes.Call> calls = bench.times().calls();
      List<StageTime> times = new ArrayList<>();
      for (int i = 0; i < spans.size(); i++) {
        StageClock.Span sp = spans.get(i);
        CriticalPath.StageBound bound =
            i < critical.stages().size()
                ? critical.stages().get(i)
                : new CriticalPath.StageBound(sp.name(), 0, 0);
        long gap = i + 1 < spans.size() ? spans.get(i + 1).startNanos() - sp.endNanos() : 0;
        int n = 0;
        long lastCall = sp.startNanos();
        long lastDone = sp.startNanos();
        long lag = 0;
        for (CallTimes.Call c : calls) {
          if (c.calledAt() >= sp.startNanos() && c.calledAt() <= sp.endNanos()) {
            n++;
            lastCall = Math.max(lastCall, c.calledAt());
            lastDone = Math.max(lastDone, c.doneAt());
            lag = Math.max(lag, c.doneAt() - c.dueAt());
          }
        }
        times.add(
            new StageTime(
                sp.name(),
                bound.steps(),
                sp.endNanos() - sp.startNanos(),
                bound.nanos(),
                gap,
                n,
                lastCall - sp.startNanos(),
                lag,
                n == 0 ? 0 : sp.endNanos() - lastDone));
      }
      long prepare = spans.isEmpty() ? makespan : spans.get(0).startNanos() - start;
      long finish = spans.isEmpty() ? 0 : end[0] - spans.get(spans.size() - 1).endNanos();
      return new Result(
          nodes, op.plan().steps().count(), makespan, critical, prepare, times, finish, gc, faults);
    }
  }

  private static long gcMillis() {
    long sum = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }
}
