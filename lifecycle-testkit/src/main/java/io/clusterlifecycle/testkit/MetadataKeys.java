package io.clusterlifecycle.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The keys of an {@link InMemoryMetadataStore}, grouped by their parent path: the commit of a
 * thousand hosts (eight keys each, one parent per host) costs a thousand sorted insertions rather
 * than eight thousand, and reading or deleting under a path visits only the parents under it. Not
 * thread-safe: the store holds its lock.
 */
final class MetadataKeys {
  private final TreeMap<String, Map<String, String>> byParent = new TreeMap<>();

  /** Sets every key of {@code puts}, in its order. */
  void putAll(Map<String, String> puts) {
    String parent = null;
    Map<String, String> keys = null;
    for (Map.Entry<String, String> e : puts.entrySet()) {
      String key = e.getKey();
      int slash = key.lastIndexOf('/');
      // the keys of one host come one after another: their parent is looked up once
      if (keys == null || parent.length() != slash || !key.startsWith(parent)) {
        parent = key.substring(0, slash);
        keys = byParent.computeIfAbsent(parent, p -> new HashMap<>());
      }
      keys.put(key, e.getValue());
    }
  }

  /** The value of a key, or null. */
  String get(String key) {
    Map<String, String> keys = byParent.get(parent(key));
    return keys == null ? null : keys.get(key);
  }

  /** Removes a key, if present. */
  void remove(String key) {
    String parent = parent(key);
    Map<String, String> keys = byParent.get(parent);
    if (keys != null && keys.remove(key) != null && keys.isEmpty()) {
      byParent.remove(parent);
    }
  }

  /**
   * The keys equal to or under a path, sorted.
   *
   * @param path an absolute path with no trailing {@code /}, or {@code /} for every key
   */
  List<String> under(String path) {
    List<String> out = new ArrayList<>();
    if (path.equals("/")) {
      byParent.values().forEach(keys -> out.addAll(keys.keySet()));
    } else {
      if (get(path) != null) {
        out.add(path);
      }
      // a key under the path has a parent that is the path or under it; every parent starting
      // with the path's text comes in one run of the sorted map
      for (Map.Entry<String, Map<String, String>> e : byParent.tailMap(path, true).entrySet()) {
        String parent = e.getKey();
        if (!parent.startsWith(path)) {
          break;
        }
        if (parent.length() == path.length() || parent.charAt(path.length()) == '/') {
          out.addAll(e.getValue().keySet());
        }
      }
    }
    Collections.sort(out);
    return out;
  }

  /** Every key and its value, sorted. */
  SortedMap<String, String> all() {
    SortedMap<String, String> out = new TreeMap<>();
    byParent.values().forEach(out::putAll);
    return out;
  }

  private static String parent(String key) {
    return key.substring(0, Math.max(0, key.lastIndexOf('/')));
  }
}
