package io.clusterlifecycle.spi.etcd;

import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.spi.TransientSpiException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Calls a store right after etcd came back, as the engine does: a call that fails as transient is
 * tried again. Right after a restart the client's channel may still be waiting out its reconnect
 * back-off, and fails calls with UNAVAILABLE meanwhile.
 */
final class AfterOutage {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private AfterOutage() {}

  /** The call's result, trying again for up to 20 s while it fails as transient. */
  static <T> T join(Supplier<? extends CompletionStage<T>> call) {
    AtomicReference<T> result = new AtomicReference<>();
    await("the call succeeds after the outage")
        .atMost(PATIENCE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(
            e -> e instanceof CompletionException && e.getCause() instanceof TransientSpiException)
        .until(
            () -> {
              result.set(call.get().toCompletableFuture().join());
              return true;
            });
    return result.get();
  }
}
