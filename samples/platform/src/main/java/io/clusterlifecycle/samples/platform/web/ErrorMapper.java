package io.clusterlifecycle.samples.platform.web;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.method.annotation.HandlerMethodValidationException;

/**
 * Turns an exception into the answer to give, for a request answered at once and for an
 * asynchronous operation polled later alike.
 *
 * <table>
 *   <caption>statuses</caption>
 *   <tr><th>exception</th><th>status</th></tr>
 *   <tr><td>{@link ValidationException}, bad JSON, bad parameters</td><td>400</td></tr>
 *   <tr><td>{@link NotFoundException}</td><td>404</td></tr>
 *   <tr><td>{@link ConflictException}, {@link IllegalStateTransitionException}, a refused
 *       operation</td><td>409</td></tr>
 *   <tr><td>{@link LifecycleTimeoutException}: message {@code failed to <action>: Timeout
 *       reached}</td><td>504</td></tr>
 *   <tr><td>{@link OperationFailedException} (a step failed), anything else</td><td>500</td></tr>
 * </table>
 */
public final class ErrorMapper {

  /** The message of a timed-out action after {@code failed to <action>: }, as the seed has it. */
  public static final String TIMEOUT_REACHED = "Timeout reached";

  private ErrorMapper() {}

  /**
   * Maps an exception.
   *
   * @param error the exception, possibly wrapped in a {@link CompletionException}
   * @return its status and body
   */
  public static ApiError map(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ActionException a) {
      LifecycleException cause = (LifecycleException) a.getCause();
      String reason =
          cause instanceof LifecycleTimeoutException ? TIMEOUT_REACHED : cause.getMessage();
      return new ApiError(status(cause), ErrorBody.of("failed to " + a.action() + ": " + reason));
    }
    if (e instanceof BindException b) {
      return new ApiError(HttpStatus.BAD_REQUEST, ErrorBody.of(fieldErrors(b)));
    }
    if (e instanceof HandlerMethodValidationException v) {
      return new ApiError(
          HttpStatus.BAD_REQUEST,
          ErrorBody.of(
              "invalid request: "
                  + String.join(
                      "; ",
                      v.getAllErrors().stream()
                          .map(m -> String.valueOf(m.getDefaultMessage()))
                          .toList())));
    }
    if (e instanceof HttpMessageNotReadableException r) {
      return new ApiError(
          HttpStatus.BAD_REQUEST,
          ErrorBody.of(
              "malformed request body: " + firstLine(r.getMostSpecificCause().getMessage())));
    }
    if (e instanceof TypeMismatchException t) {
      return new ApiError(
          HttpStatus.BAD_REQUEST,
          ErrorBody.of("invalid value '" + t.getValue() + "' for " + t.getPropertyName()));
    }
    if (e instanceof ErrorResponse r) {
      String detail = r.getBody().getDetail();
      return new ApiError(
          r.getStatusCode(),
          ErrorBody.of(detail == null ? String.valueOf(e.getMessage()) : detail));
    }
    if (e instanceof LifecycleException l) {
      return new ApiError(status(l), ErrorBody.of(String.valueOf(l.getMessage())));
    }
    return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, ErrorBody.of("internal error: " + e));
  }

  /**
   * Whether an exception is one the client caused or may retry, rather than a fault to log.
   *
   * @param error the exception
   * @return true for a 4xx answer
   */
  public static boolean isClientError(Throwable error) {
    return map(error).status().is4xxClientError();
  }

  private static HttpStatusCode status(LifecycleException e) {
    if (e instanceof ValidationException) {
      return HttpStatus.BAD_REQUEST;
    }
    if (e instanceof NotFoundException) {
      return HttpStatus.NOT_FOUND;
    }
    if (e instanceof ConflictException || e instanceof IllegalStateTransitionException) {
      return HttpStatus.CONFLICT;
    }
    if (e instanceof LifecycleTimeoutException) {
      return HttpStatus.GATEWAY_TIMEOUT;
    }
    if (e instanceof OperationFailedException f && f.operation().refused()) {
      return HttpStatus.CONFLICT;
    }
    return HttpStatus.INTERNAL_SERVER_ERROR;
  }

  private static String fieldErrors(BindException b) {
    return "invalid request: "
        + String.join(
            "; ",
            b.getFieldErrors().stream()
                .map(f -> f.getField() + " " + f.getDefaultMessage())
                .sorted()
                .toList());
  }

  private static String firstLine(String text) {
    String s = String.valueOf(text);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
