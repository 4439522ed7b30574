package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.model.Cluster;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster records of an {@link InMemoryClusterStore} with the indexes its lookups read: by name
 * and of the records that name an operation. Not thread-safe: the store calls it holding its lock.
 */
final class ClusterTable {
  private static final Comparator<Cluster> BY_CREATION = Comparator.comparing(Cluster::createdAt);

  // insertion order breaks ties between equal creation times
  private final Map<String, Cluster> clusters = new LinkedHashMap<>();
  private final Map<String, Set<String>> idsByName = new HashMap<>();
  private final Set<String> busyIds = new LinkedHashSet<>();

  Optional<Cluster> get(String id) {
    return Optional.ofNullable(clusters.get(id));
  }

  /** The stored version of a record, {@code 0} when there is none. */
  long version(String id) {
    Cluster stored = clusters.get(id);
    return stored == null ? 0 : stored.version();
  }

  List<Cluster> all() {
    return clusters.values().stream().sorted(BY_CREATION).toList();
  }

  List<Cluster> named(String name) {
    return idsByName.getOrDefault(name, Set.of()).stream()
        .map(clusters::get)
        .sorted(BY_CREATION)
        .toList();
  }

  List<Cluster> busy() {
    return busyIds.stream().map(clusters::get).sorted(BY_CREATION).toList();
  }

  /** Stores a record at its version plus one, keeping the indexes; returns what was stored. */
  Cluster store(Cluster cluster) {
    Cluster next = cluster.withVersion(cluster.version() + 1);
    Cluster stored = clusters.put(cluster.id(), next);
    if (stored != null) {
      unindex(stored);
    }
    idsByName.computeIfAbsent(next.name(), n -> new LinkedHashSet<>()).add(next.id());
    if (next.operation().isPresent()) {
      busyIds.add(next.id());
    }
    return next;
  }

  /** Removes a record and its index entries; returns it, or empty when there was none. */
  Optional<Cluster> remove(String id) {
    Cluster removed = clusters.remove(id);
    if (removed != null) {
      unindex(removed);
    }
    return Optional.ofNullable(removed);
  }

  private void unindex(Cluster c) {
    busyIds.remove(c.id());
    Set<String> ids = idsByName.get(c.name());
    if (ids != null && ids.remove(c.id()) && ids.isEmpty()) {
      idsByName.remove(c.name());
    }
  }
}
