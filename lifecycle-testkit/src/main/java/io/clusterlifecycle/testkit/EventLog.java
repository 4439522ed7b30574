package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The event log of {@link InMemoryClusterStore}: events numbered from one sequence, in append
 * order. Not thread-safe; the store guards it with its lock.
 */
final class EventLog {
  private final List<LifecycleEvent> events = new ArrayList<>();
  private long last;

  /** Numbers and keeps the events, all or none; fails when one names no cluster. */
  List<LifecycleEvent> append(List<LifecycleEvent> given) {
    for (LifecycleEvent e : given) {
      if (e.cluster().isEmpty()) {
        throw new IllegalArgumentException(
            "a stored event must name a cluster; " + e.event() + " names none");
      }
    }
    List<LifecycleEvent> stored = new ArrayList<>(given.size());
    for (LifecycleEvent e : given) {
      stored.add(e.withSeq(++last));
    }
    events.addAll(stored);
    return List.copyOf(stored);
  }

  /** The events the query selects, by increasing number. */
  List<LifecycleEvent> read(EventQuery query) {
    List<LifecycleEvent> found = new ArrayList<>();
    int from = firstAfter(query.afterSeq());
    for (int i = from; i < events.size() && found.size() < query.limit(); i++) {
      LifecycleEvent e = events.get(i);
      if (query.matches(e)) {
        found.add(e);
      }
    }
    return List.copyOf(found);
  }

  /** Drops a cluster's events; the sequence goes on from where it was. */
  void removeCluster(String clusterId) {
    events.removeIf(e -> e.cluster().orElseThrow().equals(clusterId));
  }

  private int firstAfter(long seq) {
    int lo = 0;
    int hi = events.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (events.get(mid).seq() <= seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
