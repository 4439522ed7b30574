package io.clusterlifecycle.core.internal.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * How a run of a plan is ending, as its threads learn it: its first error, whether that was a
 * refusal, its warnings, and whether it was cancelled or timed out. Every change is made under one
 * lock, so that a run is never seen halted (launching no more steps) without the error that halted
 * it: a step skipped for a cancel or a time-out always belongs to a run that failed (docs/design.md
 * §7.8).
 */
final class RunOutcome {
  private final SecretScrubber scrubber;
  private final List<String> warnings = new ArrayList<>();
  private String error = "";
  private boolean refused;
  // written under the lock after the error, read without it on every step's launch
  private volatile boolean timedOut;
  private volatile boolean cancelled;

  RunOutcome(SecretScrubber scrubber) {
    this.scrubber = scrubber;
  }

  /** Records the run's error, unless it has one already (the first error is the run's). */
  synchronized void fail(String why, boolean isRefusal) {
    if (error.isEmpty()) {
      error = scrubber.scrub(why);
      refused = isRefusal;
    }
  }

  /** Fails the run with {@code why} and halts it, as a cancel. */
  synchronized void cancel(String why) {
    fail(why, false);
    cancelled = true;
  }

  /** Fails the run with {@code why} and halts it, as a time-out. */
  synchronized void timeOut(String why) {
    fail(why, false);
    timedOut = true;
  }

  /** Records a warning. */
  synchronized void warn(String why) {
    warnings.add(why);
  }

  /** Whether the run has an error. */
  synchronized boolean failed() {
    return !error.isEmpty();
  }

  /** Whether the run was cancelled or timed out: it launches no more steps, not even cleanups. */
  boolean halted() {
    return cancelled || timedOut;
  }

  /** The outcome so far, with what the steps left. */
  synchronized OperationRunner.Result result(
      List<String> keptVolumes, java.util.Map<String, java.util.Map<String, String>> results) {
    return new OperationRunner.Result(
        error, refused, timedOut, List.copyOf(warnings), keptVolumes, cancelled, results);
  }
}
