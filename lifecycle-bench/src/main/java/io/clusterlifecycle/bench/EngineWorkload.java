package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.state.OperationState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steps per second of the engine itself: creates clusters through an engine whose SPIs answer at
 * once, so that all the time is the engine's (planning, records, journal, events, stage changes)
 * plus the cluster store's. Used by the quick suite's timed loops and by the JMH benchmarks. Not
 * thread-safe: one caller drives it.
 */
public final class EngineWorkload implements AutoCloseable {
  /** Nodes of the cluster the single-operation figure creates. */
  public static final int SINGLE_NODES = 1_000;

  /** Operations of the concurrent figure. */
  public static final int CONCURRENT_OPS = 100;

  /** Nodes of each cluster of the concurrent figure. */
  public static final int CONCURRENT_NODES = 100;

  private final BenchEngine bench;
  private final AtomicInteger names = new AtomicInteger();

  /**
   * An engine with zero-latency SPIs on a cluster store.
   *
   * @param store the store, or null for an in-memory one; closed with the workload
   */
  public EngineWorkload(ClusterStore store) {
    BenchEngine.Options o =
        BenchEngine.Options.of(LatencyModel.ZERO)
            .maxInFlight(io.clusterlifecycle.core.LifecycleEngine.DEFAULT_MAX_IN_FLIGHT);
    this.bench = BenchEngine.start(store == null ? o : o.store(store));
  }

  /**
   * An engine with zero-latency SPIs on a new durable SQLite store.
   *
   * @param file the database file to create
   * @param grouped false to write every journal entry in a transaction of its own ({@link
   *     UngroupedJournalStore}); true for the engine's grouped commits
   * @return the workload
   */
  public static EngineWorkload onSqlite(java.nio.file.Path file, boolean grouped) {
    ClusterStore sqlite = io.clusterlifecycle.spi.jdbc.JdbcClusterStore.sqlite(file);
    return new EngineWorkload(grouped ? sqlite : new UngroupedJournalStore(sqlite));
  }

  /**
   * Creates one cluster of {@code nodes} nodes in four roles and waits for it.
   *
   * @param nodes nodes
   * @return the steps the operation ran
   * @throws IllegalStateException if it did not succeed
   */
  public long createOne(int nodes) {
    return await(List.of(submit(nodes)));
  }

  /**
   * Creates {@code ops} clusters of {@code nodes} nodes at once and waits for all of them.
   *
   * @param ops operations in flight together
   * @param nodes nodes of each
   * @return the steps the operations ran
   * @throws IllegalStateException if one did not succeed
   */
  public long createMany(int ops, int nodes) {
    List<CompletableFuture<Operation>> all = new ArrayList<>(ops);
    for (int i = 0; i < ops; i++) {
      all.add(submit(nodes));
    }
    return await(all);
  }

  private CompletableFuture<Operation> submit(int nodes) {
    return bench
        .engine()
        .submit(
            BenchSpecs.orderedGroups("w" + names.incrementAndGet(), nodes, MakespanHarness.ROLES));
  }

  private static long await(List<CompletableFuture<Operation>> ops) {
    long steps = 0;
    for (CompletableFuture<Operation> f : ops) {
      Operation op;
      try {
        op = f.get(10, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new IllegalStateException("a benchmark operation failed: " + e, e);
      }
      if (op.state() != OperationState.SUCCEEDED) {
        throw new IllegalStateException(
            "a benchmark operation ended " + op.state() + ": " + op.error().orElse(""));
      }
      steps += op.plan().steps().count();
    }
    return steps;
  }

  /**
   * The engine and its SPIs.
   *
   * @return the bench engine
   */
  public BenchEngine bench() {
    return bench;
  }

  @Override
  public void close() {
    bench.close();
  }
}
