package io.clusterlifecycle.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterlifecycle.api.spec.AppSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The app specs records carry, remembered between reads and writes of records: a cluster record
 * holds its spec (and often the previous one), and stores read and write the same record many times
 * while an operation runs. Parsing a stored spec runs the whole spec pipeline (tree, binding,
 * validation) and writing one renders it, so each is done once per distinct spec: a parsed spec is
 * found by its stored JSON, a rendered spec by the spec instance (specs are immutable, and a spec
 * read through this cache is the same instance on every read). Both are bounded, least recently
 * used first out; a spec that fails to parse is not remembered.
 */
final class SpecCache {
  private final int capacity;
  private final Map<String, AppSpec> parsed;
  private final Map<Identity, JsonNode> rendered;

  /** An {@link AppSpec} compared by identity, not by value (comparing by value costs a walk). */
  private record Identity(AppSpec spec) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.spec == spec;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(spec);
    }
  }

  /**
   * @param capacity the most specs each side remembers, {@code >= 1}
   */
  SpecCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.parsed = lru();
    this.rendered = lru();
  }

  private <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The spec stored as {@code json}, parsed by {@code parse} unless remembered. */
  AppSpec parsed(String json, Function<String, AppSpec> parse) {
    synchronized (parsed) {
      AppSpec known = parsed.get(json);
      if (known != null) {
        return known;
      }
    }
    AppSpec spec = parse.apply(json);
    synchronized (parsed) {
      parsed.putIfAbsent(json, spec);
      return parsed.get(json);
    }
  }

  /** The JSON tree {@code spec} is written as, rendered by {@code render} unless remembered. */
  JsonNode rendered(AppSpec spec, Function<AppSpec, JsonNode> render) {
    Identity key = new Identity(spec);
    synchronized (rendered) {
      JsonNode known = rendered.get(key);
      if (known != null) {
        return known;
      }
    }
    JsonNode tree = render.apply(spec);
    synchronized (rendered) {
      rendered.put(key, tree);
    }
    return tree;
  }
}
