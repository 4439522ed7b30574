package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.spi.jdbc.JdbcClusterStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The resume scale run: {@link #OPERATIONS} operations interrupted for real, then resumed by a
 * fresh engine.
 *
 * <p>A child JVM ({@link #main} {@code setup}) opens a durable SQLite store holding that many small
 * clusters and starts, through its engine, a custom service on every node of each, whose commands
 * never end; once every operation is blocked there it says so, and this process kills it with
 * SIGKILL. The records then name running operations whose owner is dead. A fresh engine on the same
 * file, built with {@code resumeInterruptedOnStart}, recovers them all; the figure is the wall time
 * from building that engine to the last recovery's end, with every cluster RUNNING and idle.
 */
public final class ResumeRun {
  /** Interrupted operations to resume. */
  public static final int OPERATIONS = 1_000;

  private static final String READY = "ready";
  private static final String SERVICE = "check";

  private ResumeRun() {}

  /** A SQLite file, or a PostgreSQL URL with its credentials. */
  static JdbcClusterStore open(String db, String user, String password) {
    if (db.startsWith("jdbc:")) {
      return JdbcClusterStore.builder().url(db).credentials(user, password).build();
    }
    return JdbcClusterStore.sqlite(Path.of(db));
  }

  /**
   * What one run measured.
   *
   * @param operations operations resumed
   * @param resumeNanos building the fresh engine to the end of the last recovery
   * @param buildNanos building the fresh engine (its builder starts the recoveries and returns)
   * @param setupNanos the child's run, from its start to the kill
   * @param storeCalls the fresh engine's calls to the store during the resume, by method
   * @param storeThreads the same calls by calling thread
   * @param commits the transactions the store committed during the resume
   */
  public record Result(
      int operations,
      long resumeNanos,
      long buildNanos,
      long setupNanos,
      Map<String, Long> storeCalls,
      Map<String, Long> storeThreads,
      long commits) {
    /**
     * The resume time.
     *
     * @return seconds
     */
    public double resumeSeconds() {
      return resumeNanos / 1e9;
    }
  }

  /**
   * Child entry point: {@code setup DB COUNT} leaves COUNT operations blocked in their command
   * stage in the SQLite file DB, prints {@code ready}, and waits to be killed.
   *
   * <p>The clusters are copies of one this engine created ({@link Estate#seed}). The operations are
   * real: a custom {@code check} service started by the engine on every node of each three-node
   * cluster, whose commands never end.
   *
   * @param args {@code setup}, the database file, the count
   * @throws InterruptedException never in practice: the process is killed while waiting
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3 || !args[0].equals("setup")) {
      System.err.println("usage: ResumeRun setup DB COUNT");
      System.exit(2);
    }
    int count = Integer.parseInt(args[2]);
    BenchEngine bench =
        BenchEngine.start(
            BenchEngine.Options.of(LatencyModel.ZERO)
                .store(
                    open(
                        args[1],
                        System.getenv("LIFECYCLE_STORE_USER"),
                        System.getenv("LIFECYCLE_STORE_PASSWORD"))));
    List<String> ids = Estate.seed(bench, count, "r");
    bench.commands().hold(r -> r.service().equals(SERVICE));
    List<CompletableFuture<Operation>> ops = new ArrayList<>(count);
    for (String id : ids) {
      ops.add(bench.engine().submit(RunService.of(id, SERVICE)));
    }
    long expected = 3L * count;
    while (bench.commands().heldCount() < expected) {
      CompletableFuture<?> ended =
          ops.stream().filter(CompletableFuture::isDone).findFirst().orElse(null);
      if (ended != null) {
        System.err.println("an operation ended before its commands were held: " + ended);
        System.exit(1);
      }
      Thread.sleep(5);
    }
    System.out.println(READY);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /**
   * Leaves {@code count} operations interrupted in a SQLite file {@code dir/resume.db} and times
   * their resume.
   *
   * @param dir a directory for the database
   * @param count operations
   * @param childJvm how to start a JVM on this class path
   * @return the figures
   * @throws IllegalStateException if the child failed or a recovery did not end well
   */
  public static Result run(Path dir, int count, ChildJvm childJvm) {
    return run(dir.resolve("resume.db").toString(), "", "", count, childJvm);
  }

  /**
   * Leaves {@code count} operations interrupted in a store and times their resume.
   *
   * @param db a SQLite file, or the JDBC URL of an empty PostgreSQL database
   * @param user the database user (PostgreSQL)
   * @param password the user's password (PostgreSQL); given to the setup child in its environment
   * @param count operations
   * @param childJvm how to start a JVM on this class path
   * @return the figures
   * @throws IllegalStateException if the child failed or a recovery did not end well
   */
  public static Result run(String db, String user, String password, int count, ChildJvm childJvm) {
    long setupStart = System.nanoTime();
    Process child =
        childJvm.start(
            List.of(),
            ResumeRun.class,
            List.of("setup", db, Integer.toString(count)),
            Map.of("LIFECYCLE_STORE_USER", user, "LIFECYCLE_STORE_PASSWORD", password));
    try {
      boolean ready = false;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.equals(READY)) {
            ready = true;
            break;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the setup process", e);
      }
      if (!ready) {
        throw new IllegalStateException(
            "the setup process ended before its operations were"
                + " interrupted (exit "
                + waitFor(child)
                + ")");
      }
    } finally {
      child.destroyForcibly();
      waitFor(child);
    }
    long setup = System.nanoTime() - setupStart;

    JdbcClusterStore jdbc = open(db, user, password);
    CountingClusterStore store = new CountingClusterStore(jdbc);
    long commitsBefore = jdbc.groupsCommitted();
    long start = System.nanoTime();
    try (BenchEngine fresh =
        BenchEngine.start(
            BenchEngine.Options.of(LatencyModel.ZERO).store(store.store()).resumingOnStart())) {
      long built = System.nanoTime() - start;
      Map<String, CompletableFuture<Cluster>> resumed = fresh.engine().resumedOnStart();
      for (CompletableFuture<Cluster> f : resumed.values()) {
        try {
          f.get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
          throw new IllegalStateException("a recovery failed: " + e, e);
        }
      }
      long took = System.nanoTime() - start;
      long commits = jdbc.groupsCommitted() - commitsBefore;
      Map<String, Long> calls = store.calls();
      Map<String, Long> byThread = store.threads();
      if (resumed.size() != count) {
        throw new IllegalStateException(
            "the fresh engine resumed " + resumed.size() + " operations, expected " + count);
      }
      List<Cluster> clusters = fresh.store().list().toCompletableFuture().join();
      long done =
          clusters.stream()
              .filter(c -> c.state() == ClusterState.RUNNING && c.operation().isEmpty())
              .count();
      // the clusters resumed, and the template they were copied from
      if (clusters.size() != count + 1 || done != clusters.size()) {
        throw new IllegalStateException(
            done
                + " of "
                + clusters.size()
                + " clusters are RUNNING and idle after the resume; expected "
                + (count + 1));
      }
      return new Result(count, took, built, setup, calls, byThread, commits);
    }
  }

  private static int waitFor(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
