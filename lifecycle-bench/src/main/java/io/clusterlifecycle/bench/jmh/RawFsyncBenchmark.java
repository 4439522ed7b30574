package io.clusterlifecycle.bench.jmh;

import io.clusterlifecycle.bench.RawFsyncAppend;
import java.nio.file.Path;
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
 * The physical limit the journal is held against: one step's journal record appended to a file and
 * forced to the disk, in the same directory as {@link JournalBenchmark}'s database ({@link
 * RawFsyncAppend}); appends per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawFsyncBenchmark {
  private Path dir;
  private RawFsyncAppend log;
  private long step;

  /** Opens the file. */
  @Setup
  public void setUp() {
    dir = JournalBenchmark.BenchDirs.create("raw");
    log = new RawFsyncAppend(dir.resolve("raw.log"));
  }

  /** Closes and deletes it. */
  @TearDown
  public void tearDown() {
    log.close();
    JournalBenchmark.BenchDirs.delete(dir);
  }

  /** Appends one step's record and forces it. */
  @Benchmark
  public void appendAndForce() {
    log.appendStep(step++);
  }
}
