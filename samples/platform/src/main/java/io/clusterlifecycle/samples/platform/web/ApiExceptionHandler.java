package io.clusterlifecycle.samples.platform.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers every error of every endpoint with {@link ErrorBody} and the status {@link ErrorMapper}
 * gives it.
 */
@RestControllerAdvice
public class ApiExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);

  /**
   * Answers an error.
   *
   * @param error what was thrown
   * @return the seed's error JSON with its status
   */
  @ExceptionHandler(Exception.class)
  public ResponseEntity<ErrorBody> handle(Exception error) {
    ApiError api = ErrorMapper.map(error);
    if (api.status().value() == 500) {
      LOG.warn("request failed: {}", api.body().errMessage(), error);
    } else {
      LOG.debug("request answered {}: {}", api.status().value(), api.body().errMessage());
    }
    return ResponseEntity.status(api.status()).body(api.body());
  }
}
