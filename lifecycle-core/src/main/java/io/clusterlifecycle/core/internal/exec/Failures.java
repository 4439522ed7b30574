package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.spi.TransientSpiException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What a failure of a future really was, seen through the wrappers futures add. */
public final class Failures {
  private Failures() {}

  /** The failure inside any {@link CompletionException}/{@link ExecutionException} wrappers. */
  public static Throwable cause(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Tells whether the failure is one an SPI asked to be retried. */
  public static boolean isTransient(Throwable e) {
    return cause(e) instanceof TransientSpiException;
  }

  /** The failure's message for events, journals and errors. */
  public static String describe(Throwable e) {
    Throwable t = cause(e);
    if (t instanceof CancellationException) {
      return "cancelled";
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
