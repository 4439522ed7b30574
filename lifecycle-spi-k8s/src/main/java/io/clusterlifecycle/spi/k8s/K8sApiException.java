package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.LifecycleException;

/**
 * A permanent refusal by the Kubernetes API server (403 forbidden, 422 invalid, 409 for an object
 * that belongs to someone else, ...). The engine does not retry it: the step fails with the API's
 * message. Rate limits (429), server errors (5xx) and lost connections are reported as {@link
 * io.clusterlifecycle.api.spi.TransientSpiException} instead.
 */
public class K8sApiException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status code, {@code 0} for none. */
  private final int code;

  /**
   * Creates the exception.
   *
   * @param message what was attempted and the API server's message
   * @param code the HTTP status code, {@code 0} when there was no response
   * @param cause the client's exception, or null
   */
  public K8sApiException(String message, int code, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /**
   * Returns the HTTP status code of the refusal.
   *
   * @return the code, {@code 0} when the server did not answer with one
   */
  public int code() {
    return code;
  }
}
