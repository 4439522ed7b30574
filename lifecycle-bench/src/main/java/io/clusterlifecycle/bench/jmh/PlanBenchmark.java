package io.clusterlifecycle.bench.jmh;

import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.bench.PlanWorkload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Planning: {@code LifecycleEngine.plan} of a create of 10,000 nodes in 20 roles ({@link
 * PlanWorkload}), average time per plan.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PlanBenchmark {
  private PlanWorkload workload;

  /** Builds the engine and the request. */
  @Setup
  public void setUp() {
    workload = new PlanWorkload();
  }

  /** Closes the engine. */
  @TearDown
  public void tearDown() {
    workload.close();
  }

  /**
   * Plans the create once.
   *
   * @return the plan, so that it is not optimised away
   */
  @Benchmark
  public Plan plan10000x20() {
    return workload.planOnce();
  }
}
