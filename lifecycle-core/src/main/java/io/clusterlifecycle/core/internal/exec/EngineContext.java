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
    Duration commandGrace) {}
