package io.clusterlifecycle.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the plan steps the benchmarked operations ran; JMH reports it as a rate ("steps" in
 * ops/s), which is the steps-per-second figure.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class StepCounter {
  /** Steps run in this iteration. */
  public long steps;

  /** Starts each iteration from zero. */
  @Setup(Level.Iteration)
  public void reset() {
    steps = 0;
  }
}
