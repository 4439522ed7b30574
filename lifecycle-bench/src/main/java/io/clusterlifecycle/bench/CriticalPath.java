package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical limit of running a plan: its stages run one after another and the steps of a stage
 * in parallel, so with unbounded steps in flight no engine can finish before the sum, over the
 * stages, of the slowest step of each (the slowest resource creation, then for each order group the
 * slowest command in it, and so on). Each step's time is the latency the simulated SPIs give it
 * ({@link LatencyModel#stepNanos}); a step with none (a metadata commit on the in-memory store)
 * counts as zero.
 *
 * @param nanos the critical path
 * @param stages per stage, in plan order
 */
public record CriticalPath(long nanos, List<StageBound> stages) {

  /**
   * One stage's share of the critical path.
   *
   * @param name the stage name
   * @param steps its steps
   * @param nanos its slowest step
   */
  public record StageBound(String name, int steps, long nanos) {}

  /**
   * Copies the stages.
   *
   * @param nanos the critical path
   * @param stages per stage
   */
  public CriticalPath {
    stages = List.copyOf(stages);
  }

  /**
   * Computes the critical path of a plan under a latency model.
   *
   * @param plan the plan, as the engine ran it
   * @param latency the latencies the SPIs used
   * @return the critical path
   */
  public static CriticalPath of(Plan plan, LatencyModel latency) {
    List<StageBound> bounds = new ArrayList<>();
    long total = 0;
    for (Stage stage : plan.stages()) {
      long slowest = 0;
      for (Step step : stage.steps()) {
        slowest = Math.max(slowest, latency.stepNanos(plan.clusterId(), step));
      }
      bounds.add(new StageBound(stage.name(), stage.steps().size(), slowest));
      total += slowest;
    }
    return new CriticalPath(total, bounds);
  }

  /**
   * The critical path in milliseconds.
   *
   * @return milliseconds
   */
  public double millis() {
    return nanos / 1e6;
  }
}
