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
 * @param result the text the command wrote to the file named by {@link CommandRequest#LC_RESULT},
 *     at most {@link #MAX_REPORT} characters and one more (so that the engine can tell a report
 *     that is too long); empty when it wrote none
 * @param status the text the command wrote to the file named by {@link CommandRequest#LC_STATUS},
 *     bounded the same way; empty when it wrote none
 */
public record CommandResult(
    int exitCode,
    boolean timedOut,
    String stdoutTail,
    String stderrTail,
    Duration duration,
    String result,
    String status) {

  /** Most characters of each output stream kept in a result. */
  public static final int MAX_TAIL = 4096;

  /** Most characters of a result or status report the engine accepts (docs/design.md §9.3.1). */
  public static final int MAX_REPORT = 16384;

  /** Exit code reported for a command killed by its timeout, as GNU {@code timeout} does. */
  public static final int TIMEOUT_EXIT_CODE = 124;

  /**
   * Checks for nulls, trims the output tails to {@link #MAX_TAIL} and the reports to {@link
   * #MAX_REPORT} characters and one more.
   *
   * @param exitCode the exit code
   * @param timedOut whether it timed out
   * @param stdoutTail standard output; trimmed to its tail
   * @param stderrTail standard error; trimmed to its tail
   * @param duration how long it ran
   * @param result the result report; {@code null} counts as empty
   * @param status the status report; {@code null} counts as empty
   */
  public CommandResult {
    stdoutTail = tail(Objects.requireNonNull(stdoutTail, "stdoutTail"));
    stderrTail = tail(Objects.requireNonNull(stderrTail, "stderrTail"));
    Objects.requireNonNull(duration, "duration");
    result = report(result);
    status = report(status);
  }

  /**
   * Creates a result of a command that reported nothing.
   *
   * @param exitCode the exit code
   * @param timedOut whether it timed out
   * @param stdoutTail standard output; trimmed to its tail
   * @param stderrTail standard error; trimmed to its tail
   * @param duration how long it ran
   */
  public CommandResult(
      int exitCode, boolean timedOut, String stdoutTail, String stderrTail, Duration duration) {
    this(exitCode, timedOut, stdoutTail, stderrTail, duration, "", "");
  }

  private static String report(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX_REPORT + 1 ? s : s.substring(0, MAX_REPORT + 1);
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

  /**
   * Starts a builder for a CommandResult; every component not set is {@code null} (which the
   * constructor refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this CommandResult's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link CommandResult}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private int exitCode;
    private boolean timedOut;
    private String stdoutTail;
    private String stderrTail;
    private Duration duration;
    private String result = "";
    private String status = "";

    private Builder() {}

    private Builder(CommandResult r) {
      this.exitCode = r.exitCode;
      this.timedOut = r.timedOut;
      this.stdoutTail = r.stdoutTail;
      this.stderrTail = r.stderrTail;
      this.duration = r.duration;
      this.result = r.result;
      this.status = r.status;
    }

    /**
     * Sets {@code exitCode}: the process exit code; {@code 0} is success.
     *
     * @param value the value
     * @return this builder
     */
    public Builder exitCode(int value) {
      this.exitCode = value;
      return this;
    }

    /**
     * Sets {@code timedOut}: true when the command was killed for exceeding its timeout.
     *
     * @param value the value
     * @return this builder
     */
    public Builder timedOut(boolean value) {
      this.timedOut = value;
      return this;
    }

    /**
     * Sets {@code stdoutTail}: the last part of standard output, at most {@link #MAX_TAIL}
     * characters.
     *
     * @param value the value
     * @return this builder
     */
    public Builder stdoutTail(String value) {
      Objects.requireNonNull(value, "stdoutTail");
      this.stdoutTail = value;
      return this;
    }

    /**
     * Sets {@code stderrTail}: the last part of standard error, at most {@link #MAX_TAIL}
     * characters.
     *
     * @param value the value
     * @return this builder
     */
    public Builder stderrTail(String value) {
      Objects.requireNonNull(value, "stderrTail");
      this.stderrTail = value;
      return this;
    }

    /**
     * Sets {@code duration}: how long it ran.
     *
     * @param value the value
     * @return this builder
     */
    public Builder duration(Duration value) {
      Objects.requireNonNull(value, "duration");
      this.duration = value;
      return this;
    }

    /**
     * Sets {@code result}: the text of the command's {@link CommandRequest#LC_RESULT} file.
     *
     * @param value the text, empty for none
     * @return this builder
     */
    public Builder result(String value) {
      Objects.requireNonNull(value, "result");
      this.result = value;
      return this;
    }

    /**
     * Sets {@code status}: the text of the command's {@link CommandRequest#LC_STATUS} file.
     *
     * @param value the text, empty for none
     * @return this builder
     */
    public Builder status(String value) {
      Objects.requireNonNull(value, "status");
      this.status = value;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the CommandResult
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public CommandResult build() {
      return new CommandResult(
          exitCode, timedOut, stdoutTail, stderrTail, duration, result, status);
    }
  }
}
