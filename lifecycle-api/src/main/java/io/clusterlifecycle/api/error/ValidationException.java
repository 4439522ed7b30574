package io.clusterlifecycle.api.error;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Input was rejected before anything was created or changed. Carries every problem found, not only
 * the first, so that a user can fix them all in one go.
 */
public class ValidationException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** Every problem found, in the order they were found. */
  private final List<ValidationProblem> problems;

  /**
   * Creates the exception from the problems found.
   *
   * @param subject what was validated, for the message (for example {@code "app spec zk.yaml"})
   * @param problems the problems, at least one; copied
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public ValidationException(String subject, List<ValidationProblem> problems) {
    super(message(subject, problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(String subject, List<ValidationProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a validation exception needs at least one problem");
    }
    return problems.size()
        + (problems.size() == 1 ? " problem" : " problems")
        + " in "
        + subject
        + ":\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }

  /**
   * Returns every problem found, in the order they were found (document order for files).
   *
   * @return an unmodifiable, non-empty list
   */
  public List<ValidationProblem> problems() {
    return problems;
  }
}
