package io.clusterlifecycle.events.kafka;

import java.util.concurrent.atomic.AtomicLong;

/** The publisher's counts, updated from any thread. */
final class Counters {
  final AtomicLong queued = new AtomicLong();
  final AtomicLong published = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong snapshotFailures = new AtomicLong();

  PublisherStats snapshot() {
    return new PublisherStats(
        queued.get(), published.get(), failed.get(), dropped.get(), snapshotFailures.get());
  }
}
