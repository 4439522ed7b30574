package io.clusterlifecycle.events.kafka;

import io.clusterlifecycle.api.model.Cluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status rounds: at once and then every interval, reads the clusters from the source and queues
 * one status message per cluster. A round still reading when the next is due is not doubled.
 */
final class StatusSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(StatusSnapshots.class);

  private final Supplier<? extends CompletionStage<List<Cluster>>> source;
  private final Outbox outbox;
  private final Counters counters;
  private final Clock clock;
  private final String sourceId;
  private final AtomicBoolean reading = new AtomicBoolean();
  private final ThrottledWarning warning = new ThrottledWarning(Duration.ofSeconds(10));
  private final ScheduledFuture<?> timer;

  StatusSnapshots(
      Supplier<? extends CompletionStage<List<Cluster>>> source,
      ScheduledExecutorService scheduler,
      Duration interval,
      Outbox outbox,
      Counters counters,
      Clock clock,
      String sourceId) {
    this.source = source;
    this.outbox = outbox;
    this.counters = counters;
    this.clock = clock;
    this.sourceId = sourceId;
    long every = interval.toMillis();
    this.timer = scheduler.scheduleAtFixedRate(this::tick, 0, every, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    if (!reading.compareAndSet(false, true)) {
      LOG.debug("status round skipped: the last one is still reading the clusters");
      return;
    }
    CompletableFuture<Integer> unused = round().whenComplete((n, e) -> reading.set(false));
  }

  /**
   * Reads the clusters and queues one status message each.
   *
   * @return completes with the number of messages queued; exceptionally, and counted, when the
   *     source failed
   */
  CompletableFuture<Integer> round() {
    CompletableFuture<List<Cluster>> clusters;
    try {
      clusters = source.get().toCompletableFuture();
    } catch (RuntimeException e) {
      clusters = CompletableFuture.failedFuture(e);
    }
    return clusters
        .thenApply(this::queue)
        .whenComplete(
            (n, e) -> {
              if (e != null) {
                long failures = counters.snapshotFailures.incrementAndGet();
                if (warning.due()) {
                  LOG.warn(
                      "status round failed, cannot read the clusters: {}; {} failed so far",
                      e.toString(),
                      failures);
                } else {
                  LOG.debug("status round failed, cannot read the clusters: {}", e.toString());
                }
              }
            });
  }

  private int queue(List<Cluster> clusters) {
    Instant at = clock.instant();
    int queued = 0;
    for (Cluster c : clusters) {
      byte[] json = StatusJson.render(ClusterStatus.of(c), at, sourceId);
      if (outbox.offer(new Outgoing(c.id(), json, "status"))) {
        queued++;
      }
    }
    return queued;
  }

  /** Stops the rounds; one already reading still queues what it read. */
  void stop() {
    timer.cancel(false);
  }
}
