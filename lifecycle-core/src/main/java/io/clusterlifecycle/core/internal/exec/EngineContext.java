package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.spi.SecretResolver;
import io.clusterlifecycle.api.spi.SpecPlugin;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
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
    io.github.resilience4j.retry.Retry retry,
    NodeLimits limits,
    SecretResolver secrets,
    Map<String, SpecPlugin> plugins,
    DependentReloads dependents,
    ActionDefaults actions,
    java.util.Optional<io.clusterlifecycle.api.spi.MetricsSource> metricsSource,
    io.clusterlifecycle.core.internal.metrics.EngineMeters meters) {

  /** Copies the plugins, keeping their order. */
  public EngineContext {
    plugins = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(plugins));
  }

  /**
   * Runs an SPI call, retrying transient failures with the engine's back-off. The first attempt is
   * made directly: the retry's machinery is set up only once it has failed, and then takes that
   * failed attempt as its first, so the attempts and the back-off are the configured ones.
   */
  public <T> java.util.concurrent.CompletableFuture<T> retrying(
      java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> call) {
    java.util.concurrent.CompletableFuture<T> first = Futures.call(call);
    return first.exceptionallyCompose(e -> afterFirstFailure(first, call));
  }

  private <T> java.util.concurrent.CompletableFuture<T> afterFirstFailure(
      java.util.concurrent.CompletableFuture<T> first,
      java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> call) {
    java.util.concurrent.atomic.AtomicBoolean handedOver =
        new java.util.concurrent.atomic.AtomicBoolean();
    return retry
        .executeCompletionStage(
            scheduler, () -> handedOver.compareAndSet(false, true) ? first : Futures.call(call))
        .toCompletableFuture();
  }

  /** The time now, to the millisecond, as every record stores it. */
  public java.time.Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /**
   * A future that completes {@code delay} from now, on the executor: what follows it never runs on
   * the scheduler's thread. Cancelling it cancels the timer.
   */
  public java.util.concurrent.CompletableFuture<Void> after(Duration delay) {
    java.util.concurrent.CompletableFuture<Void> done =
        new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.ScheduledFuture<?> timer =
        scheduler.schedule(
            () -> done.completeAsync(() -> null, executor),
            Math.max(0, delay.toMillis()),
            java.util.concurrent.TimeUnit.MILLISECONDS);
    done.whenComplete((v, e) -> timer.cancel(false));
    return done;
  }
}
