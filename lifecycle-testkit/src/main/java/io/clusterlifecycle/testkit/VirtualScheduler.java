package io.clusterlifecycle.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} on a {@link VirtualClock} that moves the clock by itself: when
 * nothing has run or been scheduled for a short real-time quiet window, the clock jumps to the next
 * task's due time and that task runs. Hours of periods, cooldowns and batch waits then pass in
 * milliseconds, in the order and at the virtual times they would have had.
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * VirtualScheduler scheduler = VirtualScheduler.on(clock);
 * LifecycleEngine engine = LifecycleEngine.builder().clock(clock).scheduler(scheduler)
 *     .executor(scheduler.tracking(pool))...build();
 * Operation op = scheduler.holding(() -> engine.submit(
 *     RestartCluster.of("c").inBatches(1, Duration.ofHours(1)))).join();  // milliseconds
 * }</pre>
 *
 * <p>Tasks run one at a time on one thread, in due-time order (then in the order they were
 * scheduled), like {@link Executors#newSingleThreadScheduledExecutor()}; they should be short and
 * hand longer work to another executor, as the engine's do. "Idle" is judged from this scheduler
 * and the executors it {@linkplain #tracking(Executor) tracks}: no task of either running, and none
 * scheduled nor a one-shot one ended within the quiet window (the runs of periodic tasks, such as
 * lease renewals, do not count) ({@value #DEFAULT_QUIET_MS} ms of real time unless set); work on
 * other threads that will schedule something soon should not pause longer than that. The clock is
 * only ever moved forward, and a test may still move it itself.
 *
 * <p>Thread-safe. {@link #shutdownNow()} or {@link #close()} stops the driving thread.
 */
public final class VirtualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService, AutoCloseable {
  /** The default real-time quiet window, in milliseconds, after which time moves on. */
  public static final long DEFAULT_QUIET_MS = 20;

  private final VirtualClock clock;
  private final long quietNanos;
  private final Object lock = new Object();
  private final PriorityQueue<Job<?>> queue = new PriorityQueue<>();
  private final Thread driver;
  private long sequence;
  private long lastActivity = System.nanoTime();
  private int busy;
  private boolean shutdown;
  private boolean terminated;

  private VirtualScheduler(VirtualClock clock, Duration quiet) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (quiet.isNegative() || quiet.isZero()) {
      throw new IllegalArgumentException("the quiet window must be positive, was " + quiet);
    }
    this.quietNanos = quiet.toNanos();
    this.driver = new Thread(this::drive, "virtual-scheduler");
    driver.setDaemon(true);
    driver.start();
  }

  /**
   * Creates a scheduler on {@code clock} with the default quiet window.
   *
   * @param clock the clock it reads and moves
   * @return the running scheduler
   */
  public static VirtualScheduler on(VirtualClock clock) {
    return new VirtualScheduler(clock, Duration.ofMillis(DEFAULT_QUIET_MS));
  }

  /**
   * Creates a scheduler on {@code clock} that moves time after {@code quiet} of real time without
   * activity.
   *
   * @param clock the clock it reads and moves
   * @param quiet the real-time quiet window; positive
   * @return the running scheduler
   * @throws IllegalArgumentException if {@code quiet} is not positive
   */
  public static VirtualScheduler on(VirtualClock clock, Duration quiet) {
    return new VirtualScheduler(clock, quiet);
  }

  /**
   * The clock this scheduler reads and moves.
   *
   * @return the clock
   */
  public VirtualClock clock() {
    return clock;
  }

  /**
   * Wraps an executor so that work it runs holds virtual time still: while one of its tasks runs,
   * the clock does not move, and each task's end counts as activity. Give the engine this as its
   * executor (its continuations run there) so that time moves only when the engine waits.
   *
   * @param delegate the executor that runs the tasks
   * @return the tracking executor
   */
  public Executor tracking(Executor delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return task -> {
      Objects.requireNonNull(task, "task");
      synchronized (lock) {
        busy++;
      }
      try {
        delegate.execute(
            () -> {
              try {
                task.run();
              } finally {
                synchronized (lock) {
                  busy--;
                  lastActivity = System.nanoTime();
                  lock.notifyAll();
                }
              }
            });
      } catch (RuntimeException e) {
        synchronized (lock) {
          busy--;
        }
        throw e;
      }
    };
  }

  /**
   * Runs {@code call} on the calling thread while holding virtual time still, and counts its end as
   * activity: for the synchronous part of an engine call made from a test's own thread (preparing
   * and submitting an operation), which this scheduler cannot otherwise see. Wait for the result
   * outside, so that time moves while the engine waits:
   *
   * <pre>{@code
   * Operation op = scheduler.holding(() -> engine.submit(request)).join();
   * }</pre>
   *
   * @param call the work to run
   * @param <T> what it returns
   * @return what {@code call} returned
   */
  public <T> T holding(java.util.function.Supplier<T> call) {
    Objects.requireNonNull(call, "call");
    synchronized (lock) {
      busy++;
    }
    try {
      return call.get();
    } finally {
      synchronized (lock) {
        busy--;
        lastActivity = System.nanoTime();
        lock.notifyAll();
      }
    }
  }

  private void drive() {
    while (true) {
      Job<?> next;
      synchronized (lock) {
        next = nextDue();
        if (next == null) {
          terminated = true;
          lock.notifyAll();
          return;
        }
      }
      next.run();
      synchronized (lock) {
        // a periodic task (a lease renewal, a poll) is background: it does not hold time still
        if (!next.isPeriodic()) {
          lastActivity = System.nanoTime();
        }
        if (next.isPeriodic() && !next.isDone() && !shutdown) {
          next.due =
              next.period > 0
                  ? next.due.plusNanos(next.period)
                  : clock.instant().plusNanos(-next.period);
          queue.add(next);
        }
      }
    }
  }

  /** Waits for a task that is due, moving the clock when idle; null once shut down and drained. */
  private Job<?> nextDue() {
    while (true) {
      Job<?> head = queue.peek();
      if (shutdown && (head == null || terminated)) {
        return null;
      }
      if (head != null && !head.due.isAfter(clock.instant())) {
        return queue.poll();
      }
      long idle = System.nanoTime() - lastActivity;
      if (head != null && busy == 0 && idle >= quietNanos) {
        if (head.due.isAfter(clock.instant())) {
          clock.set(head.due);
        }
        continue;
      }
      long waitNanos = head == null ? quietNanos : quietNanos - idle;
      try {
        TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1, waitNanos));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  private <V> Job<V> enqueue(Job<V> job) {
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("the virtual scheduler is shut down");
      }
      job.seq = sequence++;
      queue.add(job);
      lastActivity = System.nanoTime();
      lock.notifyAll();
    }
    return job;
  }

  private Instant dueIn(long delay, TimeUnit unit) {
    return clock.instant().plusNanos(Math.max(0, unit.toNanos(delay)));
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    return enqueue(new Job<Void>(Executors.callable(command, null), dueIn(delay, unit), 0));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Objects.requireNonNull(callable, "callable");
    return enqueue(new Job<>(callable, dueIn(delay, unit), 0));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return periodic(command, initialDelay, unit.toNanos(period), unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return periodic(command, initialDelay, -unit.toNanos(delay), unit);
  }

  private ScheduledFuture<?> periodic(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    if (period == 0) {
      throw new IllegalArgumentException("a period must be positive");
    }
    return enqueue(
        new Job<Void>(Executors.callable(command, null), dueIn(initialDelay, unit), period));
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {
    synchronized (lock) {
      shutdown = true;
      queue.removeIf(Job::isPeriodic);
      lock.notifyAll();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    synchronized (lock) {
      shutdown = true;
      terminated = true;
      List<Runnable> pending = new ArrayList<>(queue);
      queue.clear();
      lock.notifyAll();
      return pending;
    }
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  @Override
  public boolean isTerminated() {
    return isShutdown() && !driver.isAlive();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    driver.join(Math.max(1, unit.toMillis(timeout)));
    return !driver.isAlive();
  }

  /** Shuts the scheduler down at once: pending tasks never run. */
  @Override
  public void close() {
    shutdownNow();
  }

  /** A task and when it is due; {@code period} > 0 fixed rate, < 0 fixed delay, 0 once. */
  private final class Job<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    private volatile Instant due;
    private final long period;
    private long seq;

    Job(Callable<V> callable, Instant due, long period) {
      super(callable);
      this.due = due;
      this.period = period;
    }

    @Override
    public boolean isPeriodic() {
      return period != 0;
    }

    @Override
    public void run() {
      if (isPeriodic()) {
        runAndReset();
      } else {
        super.run();
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      synchronized (lock) {
        queue.remove(this);
        lock.notifyAll();
      }
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due));
    }

    @Override
    public int compareTo(Delayed other) {
      if (other instanceof Job<?> j) {
        int c = due.compareTo(j.due);
        return c != 0 ? c : Long.compare(seq, j.seq);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
