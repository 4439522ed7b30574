package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** What every operation of one engine shares. */
public record EngineContext(
    ResourceProvider resources,
    CommandExecutor commands,
    MetadataStore metadata,
    ClusterStore store,
    EventBus events,
    AsyncLimiter limiter,
    ScheduledExecutorService scheduler,
    Executor executor,
    Clock clock,
    MetadataTree tree,
    Duration commandGrace,
    io.github.resilience4j.retry.Retry retry) {

  /** Runs an SPI call, retrying transient failures with the engine's back-off. */
  public <T> java.util.concurrent.CompletableFuture<T> retrying(
      java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> call) {
    return retry.executeCompletionStage(scheduler, call).toCompletableFuture();
  }
}
