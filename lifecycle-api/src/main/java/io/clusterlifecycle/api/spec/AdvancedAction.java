package io.clusterlifecycle.api.spec;

import java.util.Locale;
import java.util.Optional;

/** Optional abilities a role opts into with {@code advanced_actions}. */
public enum AdvancedAction {
  /** Nodes may be added to and deleted from the role after creation. */
  SCALE_HORIZONTAL;

  /**
   * Returns the name used in spec files.
   *
   * @return the snake_case name, for example {@code scale_horizontal}
   */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Looks an action up by the name used in spec files.
   *
   * @param fileName the snake_case name
   * @return the action, or empty when the name is unknown
   */
  public static Optional<AdvancedAction> fromFileName(String fileName) {
    for (AdvancedAction a : values()) {
      if (a.fileName().equals(fileName)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
