package io.clusterlifecycle.api.error;

import java.util.Objects;

/**
 * One problem found in user input: where it is and why it is wrong.
 *
 * <p>The {@code path} uses the snake_case keys of the spec file format with list indexes, for
 * example {@code roles[1].services.start.order}; {@code $} stands for the document as a whole. A
 * problem found in a file also carries the 1-based line and column it was found at; problems found
 * in a model built in code carry {@code 0} for both.
 *
 * @param path where the problem is, never blank
 * @param reason why the value is wrong and, where it helps, what would be right; never blank
 * @param line 1-based line in the source file, or {@code 0} when there is no file
 * @param column 1-based column in the source file, or {@code 0} when there is no file
 */
public record ValidationProblem(String path, String reason, int line, int column) {

  /** Path that names the whole document rather than one value in it. */
  public static final String ROOT = "$";

  /**
   * Checks the components.
   *
   * @param path where the problem is, never blank
   * @param reason why the value is wrong; never blank
   * @param line 1-based line in the source file, or {@code 0} when there is no file
   * @param column 1-based column in the source file, or {@code 0} when there is no file
   * @throws NullPointerException if {@code path} or {@code reason} is null
   * @throws IllegalArgumentException if {@code line} or {@code column} is negative
   */
  public ValidationProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must be >= 0");
    }
  }

  /**
   * Creates a problem that has no source location (a model built in code).
   *
   * @param path where the problem is
   * @param reason why the value is wrong
   * @return the problem, with line and column {@code 0}
   */
  public static ValidationProblem of(String path, String reason) {
    return new ValidationProblem(path, reason, 0, 0);
  }

  /**
   * Tells whether this problem was found in a file and so has a line and column.
   *
   * @return true when {@link #line()} and {@link #column()} are meaningful
   */
  public boolean hasLocation() {
    return line > 0;
  }

  /**
   * Renders the problem as one line: {@code <path>: <reason>}, followed by {@code (line L, column
   * C)} when the problem has a location.
   *
   * @return the one-line rendering used by the command-line tool
   */
  @Override
  public String toString() {
    return hasLocation()
        ? path + ": " + reason + " (line " + line + ", column " + column + ")"
        : path + ": " + reason;
  }
}
