package io.clusterlifecycle.bench.jmh;

import io.clusterlifecycle.bench.EngineWorkload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Journal throughput: steps per second of creates through an engine whose SPIs answer at once, on
 * the durable SQLite store, with the engine's grouped commits and without them (every journal entry
 * its own transaction, {@code UngroupedJournalStore}). The database goes in the directory of system
 * property {@code lifecycle.bench.dir} (else the temporary directory), on the disk {@link
 * RawFsyncBenchmark} measures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JournalBenchmark {
  /** Nodes of each create: fewer without grouped commits, whose steps are much slower. */
  @Param({"1000"})
  public int nodes;

  /** True for the engine's grouped commits, false for a transaction per journal entry. */
  @Param({"true", "false"})
  public boolean grouped;

  private Path dir;
  private EngineWorkload workload;

  /** A fresh engine on a new SQLite file. */
  @Setup(Level.Iteration)
  public void setUp() {
    dir = BenchDirs.create("journal");
    workload = EngineWorkload.onSqlite(dir.resolve("journal.db"), grouped);
  }

  /** Closes it and deletes the file. */
  @TearDown(Level.Iteration)
  public void tearDown() {
    workload.close();
    BenchDirs.delete(dir);
  }

  /**
   * One create, journaled on SQLite.
   *
   * @param counter counts its steps
   */
  @Benchmark
  public void create(StepCounter counter) {
    counter.steps += workload.createOne(grouped ? nodes : Math.max(4, nodes / 10));
  }

  /** Temporary directories on the benchmark disk. */
  static final class BenchDirs {
    private BenchDirs() {}

    static Path create(String prefix) {
      String base = System.getProperty("lifecycle.bench.dir", System.getProperty("java.io.tmpdir"));
      try {
        Files.createDirectories(Path.of(base));
        return Files.createTempDirectory(Path.of(base), prefix);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static void delete(Path dir) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
