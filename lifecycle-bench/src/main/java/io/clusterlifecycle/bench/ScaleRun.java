package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.state.OperationState;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The memory scale run: one engine holding {@link #CLUSTERS} clusters (three nodes each, created
 * through the engine) with {@link #IN_FLIGHT} operations in flight (a custom service on every node
 * of a cluster, whose commands are held until the measurement is taken). Meant to run in a child
 * JVM with {@code -Xmx512m} ({@link #main}); the heap figure is the heap in use after a full
 * collection while the operations are in flight. The cluster and metadata stores are the in-memory
 * ones, so their records are in that figure too: it is an upper bound of what the engine needs.
 */
public final class ScaleRun {
  /** Clusters the engine holds. */
  public static final int CLUSTERS = 10_000;

  /** Operations in flight at the measurement. */
  public static final int IN_FLIGHT = 100;

  /** Creates submitted together while the estate is built. */
  static final int WAVE = 250;

  private ScaleRun() {}

  /**
   * What one run measured.
   *
   * @param clusters clusters held
   * @param inFlight operations in flight at the measurement
   * @param heapBytes heap in use after a full collection, operations in flight
   * @param heapIdleBytes heap in use after a full collection, before the operations started
   * @param maxHeapBytes the JVM's heap limit
   * @param createSeconds wall time of creating the clusters
   */
  public record Result(
      int clusters,
      int inFlight,
      long heapBytes,
      long heapIdleBytes,
      long maxHeapBytes,
      double createSeconds) {}

  /**
   * Runs the scale run and prints its figures as {@code name=value} lines on standard output.
   *
   * @param args optional: clusters, operations in flight, {@code seed} to copy the clusters into
   *     the store ({@link Estate}) rather than create each through the engine
   */
  public static void main(String[] args) {
    int clusters = args.length > 0 ? Integer.parseInt(args[0]) : CLUSTERS;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : IN_FLIGHT;
    boolean seeded = args.length > 2 && args[2].equals("seed");
    Result r = run(clusters, inFlight, seeded);
    System.out.printf(
        Locale.ROOT,
        "clusters=%d%nin_flight=%d%nheap_bytes=%d%n"
            + "heap_idle_bytes=%d%nmax_heap_bytes=%d%ncreate_s=%.3f%n",
        r.clusters(),
        r.inFlight(),
        r.heapBytes(),
        r.heapIdleBytes(),
        r.maxHeapBytes(),
        r.createSeconds());
    System.out.flush();
    System.exit(0);
  }

  /**
   * Builds the estate, puts operations in flight, measures the heap, then lets them finish.
   *
   * @param clusters clusters to create
   * @param inFlight operations to hold in flight
   * @param seeded true to copy the clusters into the store ({@link Estate}), false to create each
   *     through the engine (whose operation records and journals the in-memory store then keeps
   *     too)
   * @return the figures
   * @throws IllegalStateException if an operation failed or the operations did not get in flight
   *     within a minute
   */
  public static Result run(int clusters, int inFlight, boolean seeded) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    // unbounded steps in flight: with the default limit (256) fewer than 100 operations of three
    // held commands each could have all their steps in flight at once
    try (BenchEngine bench = BenchEngine.start(BenchEngine.Options.of(LatencyModel.ZERO))) {
      long t0 = System.nanoTime();
      List<String> names;
      if (seeded) {
        names = Estate.seed(bench, clusters - 1, "c");
      } else {
        names = new ArrayList<>(clusters);
        for (int done = 0; done < clusters; done += WAVE) {
          List<CompletableFuture<Operation>> wave = new ArrayList<>();
          for (int i = done; i < Math.min(clusters, done + WAVE); i++) {
            String name = String.format(Locale.ROOT, "c%05d", i);
            names.add(name);
            wave.add(bench.engine().submit(BenchSpecs.small(name)));
          }
          awaitAll(wave);
        }
      }
      double createSeconds = (System.nanoTime() - t0) / 1e9;
      long idle = usedAfterGc(memory);
      System.err.printf(
          Locale.ROOT,
          "scale run: %d clusters %s in %.1f s, heap %.1f MB%n",
          clusters,
          seeded ? "copied into the store" : "created through the engine",
          createSeconds,
          idle / 1048576.0);

      String service = "check";
      bench.commands().hold(req -> req.service().equals(service));
      List<CompletableFuture<Operation>> running = new ArrayList<>();
      int step = Math.max(1, clusters / Math.max(1, inFlight));
      for (int i = 0; i < inFlight; i++) {
        running.add(
            bench.engine().submit(RunService.of(names.get((i * step) % names.size()), service)));
      }
      long expectedHeld = 3L * inFlight;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (bench.commands().heldCount() < expectedHeld) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only "
                  + bench.commands().heldCount()
                  + " of "
                  + expectedHeld
                  + " commands got in flight within a minute");
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      long used = usedAfterGc(memory);
      long stored;
      try {
        stored = bench.store().list().toCompletableFuture().get().size();
      } catch (Exception e) {
        throw new IllegalStateException("could not list the clusters: " + e, e);
      }
      if (stored != clusters) {
        throw new IllegalStateException(
            "the store holds " + stored + " clusters, expected " + clusters);
      }
      bench.commands().release();
      awaitAll(running);
      return new Result(
          clusters, inFlight, used, idle, memory.getHeapMemoryUsage().getMax(), createSeconds);
    }
  }

  /**
   * Runs {@link #main} in a child JVM with {@code -Xmx512m} and reads its figures.
   *
   * @param jvm the launcher
   * @param clusters clusters to create
   * @param inFlight operations to hold in flight
   * @param seeded copy the clusters into the store rather than create each through the engine
   * @return the figures
   * @throws IllegalStateException if the child failed, for example ran out of memory
   */
  public static Result inChild(ChildJvm jvm, int clusters, int inFlight, boolean seeded) {
    Process p =
        jvm.start(
            List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"),
            ScaleRun.class,
            List.of(
                Integer.toString(clusters),
                Integer.toString(inFlight),
                seeded ? "seed" : "create"));
    java.util.Map<String, String> out = new java.util.HashMap<>();
    try (java.io.BufferedReader r =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          out.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      int exit = p.waitFor();
      if (exit != 0 || !out.containsKey("heap_bytes")) {
        throw new IllegalStateException(
            "the scale run in -Xmx512m failed (exit " + exit + "); see its output above");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not read the scale run's output", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    }
    return new Result(
        Integer.parseInt(out.get("clusters")),
        Integer.parseInt(out.get("in_flight")),
        Long.parseLong(out.get("heap_bytes")),
        Long.parseLong(out.get("heap_idle_bytes")),
        Long.parseLong(out.get("max_heap_bytes")),
        Double.parseDouble(out.get("create_s")));
  }

  private static void awaitAll(List<CompletableFuture<Operation>> ops) {
    for (CompletableFuture<Operation> f : ops) {
      Operation op;
      try {
        op = f.get(10, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new IllegalStateException("an operation of the scale run failed: " + e, e);
      }
      if (op.state() != OperationState.SUCCEEDED) {
        throw new IllegalStateException(
            "an operation of the scale run ended " + op.state() + ": " + op.error().orElse(""));
      }
    }
  }

  /** Heap in use after full collections (two, so that finalisable garbage is gone too). */
  static long usedAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 2; i++) {
      memory.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
