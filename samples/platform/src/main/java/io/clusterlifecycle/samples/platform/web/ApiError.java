package io.clusterlifecycle.samples.platform.web;

import java.util.Objects;
import org.springframework.http.HttpStatusCode;

/**
 * An error as answered: its HTTP status and its body.
 *
 * @param status the HTTP status
 * @param body the body
 */
public record ApiError(HttpStatusCode status, ErrorBody body) {

  /** Checks both are present. */
  public ApiError {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(body, "body");
  }
}
