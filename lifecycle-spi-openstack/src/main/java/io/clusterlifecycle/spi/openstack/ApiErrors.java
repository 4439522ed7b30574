package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns a refused request into the exception the engine acts on: 429, 5xx (but 501) and a lost
 * connection are transient, every other status is permanent with the API's own message.
 */
final class ApiErrors {
  private ApiErrors() {}

  /**
   * The exception for a non-2xx answer.
   *
   * @param service the service's catalog type
   * @param what the request, e.g. {@code POST /servers}
   * @param r the answer
   */
  static RuntimeException of(String service, String what, Response r) {
    String message = service + " " + what + " answered " + r.status() + ": " + message(r);
    if (isTransient(r.status())) {
      return new TransientSpiException(
          message + r.retryAfter().map(s -> " (Retry-After " + s + ")").orElse(""), null);
    }
    return new OpenStackApiException(service, r.status(), message);
  }

  /** Whether a status is one a retry may cure. */
  static boolean isTransient(int status) {
    return status == 429 || (status >= 500 && status != 501);
  }

  /**
   * The API's message: Nova and Cinder wrap it as {@code {"<kind>": {"message": ...}}}, Neutron as
   * {@code {"NeutronError": {"message": ...}}}, Keystone as {@code {"error": {"message": ...}}};
   * otherwise the text of the body.
   */
  static String message(Response r) {
    JsonNode body = r.body();
    if (body.isObject()) {
      if (body.path("message").isTextual()) {
        return body.get("message").asText();
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
        JsonNode inner = it.next().getValue();
        if (inner.path("message").isTextual()) {
          return inner.get("message").asText();
        }
      }
    }
    String text = r.text().strip();
    return text.isEmpty() ? "(no message)" : text;
  }
}
