package io.clusterlifecycle.testkit;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A programmed failure of a test double: the calls it matches complete exceptionally with its error
 * instead of doing their work. Returned by the {@code fail…} methods of the in-memory SPIs, for
 * example {@link InMemoryResourceProvider#failCreate(String, Throwable)}.
 *
 * <p>A fault is active from the moment it is returned until it is {@linkplain #remove() removed}
 * or, when limited with {@link #times(int)}, until it has failed that many calls. Every matching
 * call fails with the same error instance. When several faults match a call, the one added first
 * fails it. Thread-safe.
 */
public final class Fault {
  private static final int UNLIMITED = -1;

  private final Throwable error;
  private final AtomicInteger remaining = new AtomicInteger(UNLIMITED);
  private final AtomicInteger hits = new AtomicInteger();
  private volatile boolean removed;

  Fault(Throwable error) {
    this.error = Objects.requireNonNull(error, "error");
  }

  /**
   * Limits the fault to the next {@code count} matching calls; later calls succeed. Use it to
   * simulate a transient failure that goes away on retry.
   *
   * @param count how many more calls to fail, at least 1
   * @return this fault
   * @throws IllegalArgumentException if {@code count} is below 1
   */
  public Fault times(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("times must be at least 1, was " + count);
    }
    remaining.set(count);
    return this;
  }

  /**
   * Returns how many calls this fault has failed so far.
   *
   * @return the number of failed calls
   */
  public int hits() {
    return hits.get();
  }

  /**
   * Tells whether the fault still fails matching calls.
   *
   * @return false once removed or once its {@link #times(int)} are used up
   */
  public boolean isActive() {
    return !removed && remaining.get() != 0;
  }

  /** Stops the fault; calls that start after this returns are not failed by it. Idempotent. */
  public void remove() {
    removed = true;
  }

  /**
   * Returns the error matching calls complete with.
   *
   * @return the error
   */
  public Throwable error() {
    return error;
  }

  /** Claims one failure; false when the fault is removed or used up. */
  boolean tryHit() {
    if (removed) {
      return false;
    }
    while (true) {
      int left = remaining.get();
      if (left == 0) {
        return false;
      }
      if (left == UNLIMITED || remaining.compareAndSet(left, left - 1)) {
        hits.incrementAndGet();
        return true;
      }
    }
  }

  @Override
  public String toString() {
    return "Fault[" + error + ", hits=" + hits.get() + (isActive() ? "" : ", inactive") + "]";
  }
}
