package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.api.error.LifecycleException;

/**
 * A Nova server went to {@code ERROR}: the step fails with Nova's fault message (the server's
 * {@code fault.message}, e.g. "No valid host was found."). The server is left as it is, for the
 * operator to look at; deleting the node removes it.
 */
public class ServerFaultException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** The Nova id of the server in ERROR. */
  private final String serverId;

  /**
   * Creates the exception.
   *
   * @param serverId the server's id
   * @param message what failed, with Nova's fault message
   */
  public ServerFaultException(String serverId, String message) {
    super(message);
    this.serverId = serverId;
  }

  /**
   * The server that went to {@code ERROR}.
   *
   * @return its Nova id
   */
  public String serverId() {
    return serverId;
  }
}
