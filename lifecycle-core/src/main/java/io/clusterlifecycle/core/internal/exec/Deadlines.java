package io.clusterlifecycle.core.internal.exec;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Coarse timers for backstops (docs/design.md §9.3): actions registered with the same delay within
 * one tick share one timer of the scheduler, so a stage of 10,000 commands schedules a handful of
 * timers instead of 10,000. An action runs no sooner than its delay after it was registered and at
 * most one tick later, unless it is cancelled first.
 *
 * <p>A window stays open for one tick, measured by the scheduler itself (a task that closes it), so
 * the grouping holds on a virtual-time scheduler too. Its timer is set to fire one tick after the
 * delay: every action that joined while it was open has its delay run out by then.
 */
final class Deadlines {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Deadlines.class);
  private final ScheduledExecutorService scheduler;
  private final long tickMillis;
  private final Map<Long, Window> open = new HashMap<>();

  /** A registered action; cancelling it keeps it from running. */
  interface Handle {
    /** Keeps the action from running, if it has not run yet. Idempotent. */
    void cancel();
  }

  /** The handle of an action no timer was set for. */
  private static final Handle NONE = () -> {};

  /**
   * @param scheduler where the timers run; actions run on its threads, so they must be short
   * @param tick how long a window stays open, and how late an action may run; {@code > 0}
   */
  Deadlines(ScheduledExecutorService scheduler, Duration tick) {
    if (tick.toMillis() <= 0) {
      throw new IllegalArgumentException("tick must be at least 1 ms, got " + tick);
    }
    this.scheduler = scheduler;
    this.tickMillis = tick.toMillis();
  }

  /**
   * Runs {@code action} once {@code delay} has passed (at most one tick later). When the scheduler
   * refuses the timer (it was shut down: the engine is closing) no timer is set and the action
   * never runs; the caller goes on, as it would have until the timer fired.
   */
  Handle schedule(Duration delay, Runnable action) {
    long delayMillis = Math.max(0, delay.toMillis());
    Entry entry = new Entry(action);
    Window w;
    synchronized (this) {
      w = open.get(delayMillis);
      if (w == null) {
        w = new Window();
        Window opened = w;
        try {
          w.timer =
              scheduler.schedule(opened::fire, delayMillis + tickMillis, TimeUnit.MILLISECONDS);
          scheduler.schedule(() -> close(delayMillis, opened), tickMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException refused) {
          if (opened.timer != null) {
            opened.timer.cancel(false);
          }
          LOG.debug("the scheduler refused a backstop timer; none is set", refused);
          return NONE;
        }
        open.put(delayMillis, w);
      }
      w.add(entry);
    }
    Window joined = w;
    return () -> joined.remove(entry);
  }

  private synchronized void close(long delayMillis, Window w) {
    open.remove(delayMillis, w);
    w.close();
  }

  /** Windows with a timer set, for tests. */
  synchronized int openWindows() {
    return open.size();
  }

  private static final class Entry {
    final Runnable action;

    Entry(Runnable action) {
      this.action = action;
    }
  }

  /** The actions registered with one delay during one tick. */
  private static final class Window {
    private final Set<Entry> entries = new LinkedHashSet<>();
    private boolean closed;
    volatile ScheduledFuture<?> timer;

    synchronized void add(Entry e) {
      entries.add(e);
    }

    void remove(Entry e) {
      ScheduledFuture<?> idle = null;
      synchronized (this) {
        if (entries.remove(e) && entries.isEmpty() && closed) {
          idle = timer;
        }
      }
      if (idle != null) {
        idle.cancel(false);
      }
    }

    void close() {
      ScheduledFuture<?> idle = null;
      synchronized (this) {
        closed = true;
        if (entries.isEmpty()) {
          idle = timer;
        }
      }
      if (idle != null) {
        idle.cancel(false);
      }
    }

    void fire() {
      Entry[] due;
      synchronized (this) {
        due = entries.toArray(Entry[]::new);
        entries.clear();
      }
      for (Entry e : due) {
        try {
          e.action.run();
        } catch (RuntimeException failed) {
          LOG.warn("a backstop action failed; the others still run", failed);
        }
      }
    }
  }
}
