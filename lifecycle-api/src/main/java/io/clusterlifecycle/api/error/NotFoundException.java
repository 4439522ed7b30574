package io.clusterlifecycle.api.error;

/** The cluster, node, role, operation or backup named does not exist. Nothing was changed. */
public class NotFoundException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was not found and where it was looked for
   */
  public NotFoundException(String message) {
    super(message);
  }
}
