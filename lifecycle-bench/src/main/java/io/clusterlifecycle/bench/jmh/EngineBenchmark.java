package io.clusterlifecycle.bench.jmh;

import io.clusterlifecycle.bench.EngineWorkload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Engine overhead: steps per second of creates through an engine whose SPIs answer at once, on the
 * in-memory stores ({@link EngineWorkload}); one operation of 1,000 nodes at a time, and 100
 * operations of 100 nodes at once. A fresh engine and store per iteration keeps the store from
 * growing across the run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {
  private EngineWorkload workload;

  /** A fresh engine with in-memory stores. */
  @Setup(Level.Iteration)
  public void setUp() {
    workload = new EngineWorkload(null);
  }

  /** Closes it. */
  @TearDown(Level.Iteration)
  public void tearDown() {
    workload.close();
  }

  /**
   * One create of {@value EngineWorkload#SINGLE_NODES} nodes.
   *
   * @param counter counts its steps
   */
  @Benchmark
  public void singleOperation(StepCounter counter) {
    counter.steps += workload.createOne(EngineWorkload.SINGLE_NODES);
  }

  /**
   * {@value EngineWorkload#CONCURRENT_OPS} creates of {@value EngineWorkload#CONCURRENT_NODES}
   * nodes at once.
   *
   * @param counter counts their steps
   */
  @Benchmark
  public void concurrentOperations(StepCounter counter) {
    counter.steps +=
        workload.createMany(EngineWorkload.CONCURRENT_OPS, EngineWorkload.CONCURRENT_NODES);
  }
}
