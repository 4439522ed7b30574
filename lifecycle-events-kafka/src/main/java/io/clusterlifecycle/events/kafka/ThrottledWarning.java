package io.clusterlifecycle.events.kafka;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells whether a repeated problem is due to be logged as a warning again, so that an outage logs
 * one warning per period rather than one per message.
 */
final class ThrottledWarning {
  private final long periodNanos;
  private final AtomicLong last = new AtomicLong();
  private volatile boolean any;

  ThrottledWarning(Duration period) {
    this.periodNanos = period.toNanos();
  }

  /** Returns true for the first call, then for the first call after each period. */
  boolean due() {
    long now = System.nanoTime();
    long previous = last.get();
    if (any && now - previous < periodNanos) {
      return false;
    }
    if (!last.compareAndSet(previous, now)) {
      return false;
    }
    any = true;
    return true;
  }
}
