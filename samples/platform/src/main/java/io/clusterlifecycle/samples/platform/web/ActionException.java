package io.clusterlifecycle.samples.platform.web;

import io.clusterlifecycle.api.error.LifecycleException;
import java.util.Objects;

/**
 * A library failure met while doing one of the platform's actions ("install release"), so that the
 * answer can say {@code failed to install release: ...}.
 */
public final class ActionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String action;

  /**
   * Wraps a failure.
   *
   * @param action what the platform was doing, as in "failed to <i>install release</i>"
   * @param cause the library's exception
   */
  public ActionException(String action, LifecycleException cause) {
    super("failed to " + action + ": " + cause.getMessage(), cause);
    this.action = Objects.requireNonNull(action, "action");
  }

  /**
   * What the platform was doing.
   *
   * @return the action, as in "failed to <i>install release</i>"
   */
  public String action() {
    return action;
  }
}
