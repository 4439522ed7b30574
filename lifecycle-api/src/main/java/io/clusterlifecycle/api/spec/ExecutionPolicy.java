package io.clusterlifecycle.api.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * How a role's nodes go through a disruptive change (vertical scaling, upgrade): all at once or one
 * node at a time.
 */
public enum ExecutionPolicy {
  /** All nodes of the role at once. */
  PARALLEL,
  /** One node at a time, each finishing before the next starts. */
  SEQUENTIAL;

  /**
   * Returns the name used in spec files.
   *
   * @return {@code parallel} or {@code sequential}
   */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Looks a policy up by the name used in spec files.
   *
   * @param fileName {@code parallel} or {@code sequential}
   * @return the policy, or empty when the name is unknown
   */
  public static Optional<ExecutionPolicy> fromFileName(String fileName) {
    for (ExecutionPolicy p : values()) {
      if (p.fileName().equals(fileName)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
