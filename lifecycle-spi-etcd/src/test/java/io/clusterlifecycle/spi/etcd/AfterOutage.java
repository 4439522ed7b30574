package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.api.spi.TransientSpiException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Calls a store right after etcd came back, as the engine does: a call that fails as transient
 * is tried again. Right after a restart the client's channel may still be waiting out its
 * reconnect back-off, and fails calls with UNAVAILABLE meanwhile.
 */
final class AfterOutage {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private AfterOutage() {}

  /** The call's result, trying again for up to 20 s while it fails as transient. */
  static <T> T join(Supplier<? extends CompletionStage<T>> call) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        return call.get().toCompletableFuture().join();
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof TransientSpiException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
