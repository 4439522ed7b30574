package io.clusterlifecycle.api.spi;

import io.clusterlifecycle.api.error.LifecycleException;

/**
 * A failure that may go away if the same call is made again: a rate limit, a server error, a lost
 * connection, a store that is briefly unavailable. SPI implementations complete their stage
 * exceptionally with this to ask the engine to retry with back-off; any other exception is taken as
 * permanent and fails the step.
 */
public class TransientSpiException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying failure, or null
   */
  public TransientSpiException(String message, Throwable cause) {
    super(message, cause);
  }
}
