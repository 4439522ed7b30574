package io.clusterlifecycle.samples.platform.web;

import java.util.Objects;

/**
 * The error every endpoint answers with, in the release manager's shape: {@code {"errorCode": -1,
 * "errMessage": "failed to install release: Timeout reached"}}.
 *
 * @param errorCode always {@link #ERROR_CODE}, as the release manager does; the HTTP status tells
 *     the kind of error
 * @param errMessage what went wrong
 */
public record ErrorBody(int errorCode, String errMessage) {

  /** The release manager's error code. */
  public static final int ERROR_CODE = -1;

  /** Checks the message is present. */
  public ErrorBody {
    Objects.requireNonNull(errMessage, "errMessage");
  }

  /**
   * An error with {@link #ERROR_CODE}.
   *
   * @param message what went wrong
   * @return the error
   */
  public static ErrorBody of(String message) {
    return new ErrorBody(ERROR_CODE, message);
  }
}
