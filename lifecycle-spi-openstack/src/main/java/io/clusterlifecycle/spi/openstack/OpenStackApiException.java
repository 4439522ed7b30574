package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.api.error.LifecycleException;

/**
 * An OpenStack API refused a request for good: a quota (403), a conflict (409), a bad request (400)
 * or another status that a retry would not change. The message is the API's own (never a token or a
 * password). Rate limits (429), server errors (5xx) and lost connections are reported as {@link
 * io.clusterlifecycle.api.spi.TransientSpiException} instead, which the engine retries.
 */
public class OpenStackApiException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** The catalog type of the service that refused. */
  private final String service;

  /** The HTTP status of the refusal. */
  private final int status;

  /**
   * Creates the exception.
   *
   * @param service the service that answered ({@code compute}, {@code volumev3}, {@code network},
   *     {@code image}, {@code identity})
   * @param status the HTTP status
   * @param message what was asked and what the API said
   */
  public OpenStackApiException(String service, int status, String message) {
    super(message);
    this.service = service;
    this.status = status;
  }

  /**
   * The service that refused the request.
   *
   * @return its catalog type, e.g. {@code compute}
   */
  public String service() {
    return service;
  }

  /**
   * The HTTP status of the refusal.
   *
   * @return e.g. 403 for a quota, 409 for a conflict
   */
  public int status() {
    return status;
  }
}
