package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Optional;

/**
 * One HTTP answer of an OpenStack API.
 *
 * @param status the HTTP status
 * @param body the parsed JSON body, or a missing node when there was none or it was not JSON
 * @param text the body as text (for error messages), at most 2000 characters
 * @param subjectToken Keystone's {@code X-Subject-Token} header, if present
 * @param retryAfter the {@code Retry-After} header, if present
 */
record Response(
    int status,
    JsonNode body,
    String text,
    Optional<String> subjectToken,
    Optional<String> retryAfter) {

  /** A 2xx status. */
  boolean ok() {
    return status >= 200 && status < 300;
  }

  /** An answer with no body. */
  static Response empty(int status) {
    return new Response(status, MissingNode.getInstance(), "", Optional.empty(), Optional.empty());
  }

  /** Hides the subject token: the record's default toString would print it. */
  @Override
  public String toString() {
    return "Response[status=" + status + ", text=" + text + "]";
  }
}
