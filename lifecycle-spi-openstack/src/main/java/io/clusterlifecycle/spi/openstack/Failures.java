package io.clusterlifecycle.spi.openstack;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Completes the provider's stages with the exception itself, not wrapped in CompletionException.
 */
final class Failures {
  private Failures() {}

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static <T> CompletableFuture<T> unwrapped(CompletableFuture<T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (v, e) -> {
          if (e != null) {
            out.completeExceptionally(unwrap(e));
          } else {
            out.complete(v);
          }
        });
    return out;
  }
}
