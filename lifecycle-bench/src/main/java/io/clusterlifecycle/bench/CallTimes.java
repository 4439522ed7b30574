package io.clusterlifecycle.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * When the simulated SPIs were called and when their calls completed, to show where a stage's time
 * beyond its slowest step goes: how long the engine took to issue all of a stage's calls, how late
 * completions ran behind their due time (the threads that complete calls also run the engine's
 * continuations), and how long after the last completion the stage ended. Off until {@link
 * #start()}; thread-safe.
 */
public final class CallTimes {

  /**
   * One call.
   *
   * @param calledAt {@link System#nanoTime()} when the SPI method was entered
   * @param dueAt when its latency ran out
   * @param doneAt when its completion began, before the engine's continuations on it ran
   */
  public record Call(long calledAt, long dueAt, long doneAt) {}

  private final ConcurrentLinkedQueue<long[]> calls = new ConcurrentLinkedQueue<>();
  private volatile boolean on;

  /** Starts recording calls. */
  public void start() {
    on = true;
  }

  /**
   * Notes a call; the caller passes the result to {@link #done(long[])} once it completes.
   *
   * @param latencyNanos the call's simulated latency
   * @return the call's times, or null when not recording
   */
  long[] begin(long latencyNanos) {
    if (!on) {
      return null;
    }
    long now = System.nanoTime();
    long[] c = {now, now + latencyNanos, 0};
    calls.add(c);
    return c;
  }

  /**
   * Notes that a call is completing, just before its future is completed (which runs the engine's
   * continuations on it).
   *
   * @param call what {@link #begin} returned, or null
   */
  static void done(long[] call) {
    if (call != null) {
      synchronized (call) {
        call[2] = System.nanoTime();
      }
    }
  }

  /**
   * The calls recorded so far.
   *
   * @return the calls, in the order they were made
   */
  public List<Call> calls() {
    List<Call> out = new ArrayList<>();
    for (long[] c : calls) {
      synchronized (c) {
        out.add(new Call(c[0], c[1], c[2]));
      }
    }
    return out;
  }
}
