package io.clusterlifecycle.api.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How one command run ended.
 *
 * @param exitCode the process exit code; {@code 0} is success
 * @param timedOut true when the command was killed for exceeding its timeout
 * @param stdoutTail the last part of standard output, at most {@link #MAX_TAIL} characters
 * @param stderrTail the last part of standard error, at most {@link #MAX_TAIL} characters
 * @param duration how long it ran
 */
public record CommandResult(
    int exitCode, boolean timedOut, String stdoutTail, String stderrTail, Duration duration) {

  /** Most characters of each output stream kept in a result. */
  public static final int MAX_TAIL = 4096;

  /** Exit code reported for a command killed by its timeout, as GNU {@code timeout} does. */
  public static final int TIMEOUT_EXIT_CODE = 124;

  /**
   * Checks for nulls and trims the output tails to {@link #MAX_TAIL}.
   *
   * @param exitCode the exit code
   * @param timedOut whether it timed out
   * @param stdoutTail standard output; trimmed to its tail
   * @param stderrTail standard error; trimmed to its tail
   * @param duration how long it ran
   */
  public CommandResult {
    stdoutTail = tail(Objects.requireNonNull(stdoutTail, "stdoutTail"));
    stderrTail = tail(Objects.requireNonNull(stderrTail, "stderrTail"));
    Objects.requireNonNull(duration, "duration");
  }

  /**
   * Tells whether the command succeeded.
   *
   * @return true for exit code {@code 0} without timeout
   */
  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }

  private static String tail(String s) {
    return s.length() <= MAX_TAIL ? s : s.substring(s.length() - MAX_TAIL);
  }
}
