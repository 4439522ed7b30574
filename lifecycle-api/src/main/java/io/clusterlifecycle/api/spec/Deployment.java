package io.clusterlifecycle.api.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * How the roles of an app are taken down (the service orchestrator's {@code deployment}, docs/
 * design.md §6.2).
 */
public enum Deployment {
  /** Every role at once: stop services by their order, then instances, then resources. */
  NONE,
  /**
   * Role by role in the reverse of their start order: the roles that start last are stopped (and,
   * on delete, deleted) first, each group of roles done before the next one begins.
   */
  STRAIGHT;

  /**
   * Returns the name used in spec files.
   *
   * @return {@code none} or {@code straight}
   */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Looks a deployment up by the name used in spec files.
   *
   * @param fileName {@code none} or {@code straight}
   * @return the deployment, or empty when the name is unknown
   */
  public static Optional<Deployment> fromFileName(String fileName) {
    for (Deployment d : values()) {
      if (d.fileName().equals(fileName)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
