package io.clusterlifecycle.cli;

import java.util.List;

/** Closes what a session opened, in the order given, reporting the first failure. */
final class Closer {
  private Closer() {}

  /**
   * Closes each one, also after a failure of another.
   *
   * @throws RuntimeException the first failure, once all were closed
   */
  static void closeAll(List<? extends AutoCloseable> all) {
    RuntimeException first = null;
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
