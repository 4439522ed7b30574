package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeResource;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A command executor whose commands only take time: each run exits 0 after the latency the {@link
 * LatencyModel} gives it, completing on the timer's thread; with a zero latency before {@link #run}
 * returns. Runs matching {@link #hold(Predicate)} wait until {@link #release()} (or forever), which
 * is how the scale runs keep operations in flight and leave them interrupted.
 *
 * <p>Thread-safe. {@link #close()} does nothing; the timer belongs to the caller.
 */
public final class LatencyCommandExecutor implements CommandExecutor {
  private final LatencyModel latency;
  private final ScheduledExecutorService timer;
  private final LongAdder runs = new LongAdder();
  private final CallTimes times;
  private final AtomicLong heldCount = new AtomicLong();
  private final Queue<CompletableFuture<CommandResult>> held = new ConcurrentLinkedQueue<>();
  private final Map<String, CompletableFuture<CommandResult>> heldByKey = new ConcurrentHashMap<>();
  private static final Predicate<CommandRequest> NONE = r -> false;
  private volatile Predicate<CommandRequest> holding = NONE;

  /**
   * Creates an executor.
   *
   * @param latency the latencies
   * @param timer completes runs after their latency; may be null when the command latency is zero
   */
  public LatencyCommandExecutor(LatencyModel latency, ScheduledExecutorService timer) {
    this(latency, timer, new CallTimes());
  }

  /**
   * Creates an executor that notes its runs' times (held runs are not noted).
   *
   * @param latency the latencies
   * @param timer completes runs after their latency; may be null when the command latency is zero
   * @param times where run times go once started
   */
  public LatencyCommandExecutor(
      LatencyModel latency, ScheduledExecutorService timer, CallTimes times) {
    this.times = Objects.requireNonNull(times, "times");
    this.latency = Objects.requireNonNull(latency, "latency");
    if (timer == null && !latency.command().isZero()) {
      throw new IllegalArgumentException("a command latency needs a timer");
    }
    this.timer = timer;
  }

  /**
   * Makes the runs that match wait until {@link #release()}; their timeouts are not enforced.
   *
   * @param which the runs to hold
   */
  public void hold(Predicate<CommandRequest> which) {
    this.holding = Objects.requireNonNull(which, "which");
  }

  /** Stops holding runs and ends every run held so far with exit code 0. */
  public void release() {
    synchronized (held) {
      holding = NONE;
    }
    for (CompletableFuture<CommandResult> f; (f = held.poll()) != null; ) {
      f.complete(
          CommandResult.builder()
              .exitCode(0)
              .timedOut(false)
              .stdoutTail("")
              .stderrTail("")
              .duration(Duration.ZERO)
              .build());
    }
  }

  /**
   * Tells how many runs were held since the executor was built.
   *
   * @return runs held, including released ones
   */
  public long heldCount() {
    return heldCount.get();
  }

  /**
   * Tells how many runs were asked for.
   *
   * @return the runs so far
   */
  public long runs() {
    return runs.sum();
  }

  /** Cancels the held run with that key on that node, if there is one: it never ends otherwise. */
  @Override
  public CompletableFuture<Void> fence(NodeResource node, String runKey) {
    CompletableFuture<CommandResult> f = heldByKey.remove(node.ref().nodeId() + "\n" + runKey);
    if (f != null) {
      f.cancel(false);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<CommandResult> run(CommandRequest request) {
    runs.increment();
    if (holding != NONE) {
      synchronized (held) {
        if (holding.test(request)) {
          // under the lock, so that release() cannot miss a run being held
          CompletableFuture<CommandResult> f = new CompletableFuture<>();
          held.add(f);
          if (!request.runKey().isEmpty()) {
            String key = request.node().ref().nodeId() + "\n" + request.runKey();
            heldByKey.put(key, f);
            f.whenComplete((r, e) -> heldByKey.remove(key, f));
          }
          heldCount.incrementAndGet();
          return f;
        }
      }
    }
    long nanos =
        latency.commandNanos(
            request.node().ref().clusterId(), request.node().ref().nodeId(), request.service());
    long[] call = times.begin(nanos);
    if (nanos == 0) {
      CompletableFuture<CommandResult> f =
          CompletableFuture.completedFuture(
              CommandResult.builder()
                  .exitCode(0)
                  .timedOut(false)
                  .stdoutTail("")
                  .stderrTail("")
                  .duration(Duration.ZERO)
                  .build());
      CallTimes.done(call);
      return f;
    }
    CompletableFuture<CommandResult> f = new CompletableFuture<>();
    Duration took = Duration.ofNanos(nanos);
    timer.schedule(
        () -> {
          CallTimes.done(call);
          f.complete(
              CommandResult.builder()
                  .exitCode(0)
                  .timedOut(false)
                  .stdoutTail("")
                  .stderrTail("")
                  .duration(took)
                  .build());
        },
        nanos,
        TimeUnit.NANOSECONDS);
    return f;
  }
}
