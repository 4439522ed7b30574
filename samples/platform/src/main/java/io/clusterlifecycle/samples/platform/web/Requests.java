package io.clusterlifecycle.samples.platform.web;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.util.List;
import java.util.function.Supplier;

/** Builds library requests from client input, reporting what their constructors refuse as 400. */
public final class Requests {

  private Requests() {}

  /**
   * Builds a request.
   *
   * @param subject what is built, for the message
   * @param build the constructor call
   * @param <T> the request type
   * @return the request
   * @throws ValidationException if the constructor refused the input (a null label value, a
   *     malformed config value, a blank plugin name)
   */
  public static <T> T build(String subject, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ValidationException(
          subject,
          List.of(ValidationProblem.of(ValidationProblem.ROOT, String.valueOf(e.getMessage()))));
    }
  }
}
