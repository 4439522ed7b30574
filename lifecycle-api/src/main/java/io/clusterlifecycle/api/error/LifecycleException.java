package io.clusterlifecycle.api.error;

/**
 * Root of every exception the library throws on purpose. Unchecked, so that the blocking forms of
 * operations stay pleasant to call; catch a subclass to react to one kind of failure.
 *
 * <p>Messages are written for the person who has to fix the input or the environment: they say what
 * was wrong and what to change.
 */
public class LifecycleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to change; never null
   */
  public LifecycleException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the cause that led to it.
   *
   * @param message what went wrong and what to change; never null
   * @param cause the underlying failure, or null
   */
  public LifecycleException(String message, Throwable cause) {
    super(message, cause);
  }
}
