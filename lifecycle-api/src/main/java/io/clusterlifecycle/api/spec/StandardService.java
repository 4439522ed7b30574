package io.clusterlifecycle.api.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * The services the engine runs by itself during lifecycle operations. A role may also define
 * services with other names; those run only when asked for.
 */
public enum StandardService {
  /** Prepares a node before (or, with {@code post_start_service}, after) its first start. */
  INIT,
  /** Starts the application on a node. */
  START,
  /** Stops the application on a node. */
  STOP,
  /** Restarts the application; without it a restart is stop then start. */
  RESTART,
  /**
   * Runs before a node is deleted: a guard (default) or, with {@code post_stop_service}, a clean-up
   * hook.
   */
  DESTROY,
  /** Runs on existing nodes after nodes were added. */
  SCALE_OUT,
  /** Runs on remaining nodes before nodes are deleted. */
  SCALE_IN,
  /** Runs on a node after its image was replaced by a new version. */
  UPGRADE,
  /** Backs a node's data up. */
  BACKUP,
  /** Restores a node's data from a backup artifact. */
  RESTORE,
  /** Makes a node the primary. */
  PROMOTE,
  /** Re-reads configuration after the metadata the node watches changed. */
  RELOAD;

  /**
   * Returns the service name used in spec files.
   *
   * @return the snake_case name, for example {@code scale_out}
   */
  public String serviceName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Looks a standard service up by name.
   *
   * @param serviceName a service name from a spec
   * @return the standard service, or empty for a custom service name
   */
  public static Optional<StandardService> fromServiceName(String serviceName) {
    for (StandardService s : values()) {
      if (s.serviceName().equals(serviceName)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
