package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.MetadataChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * The last commit of a metadata tree, stored beside the tree so that every watcher learns exactly
 * what each commit did. {@code whole} stands for "the tree was replaced": when a commit and the
 * tree together would not fit in one ConfigMap, the commit is recorded as a delete of the whole
 * tree followed by puts of every key, which a watcher computes from the tree itself.
 *
 * @param puts keys set, in commit order
 * @param deletePrefixes prefixes deleted
 * @param whole true when the commit is recorded as a replacement of the tree
 */
record TreeChange(Map<String, String> puts, List<String> deletePrefixes, boolean whole) {
  TreeChange {
    puts = puts == null ? Map.of() : new LinkedHashMap<>(puts);
    deletePrefixes = deletePrefixes == null ? List.of() : List.copyOf(deletePrefixes);
  }

  static TreeChange of(MetadataChange change) {
    return new TreeChange(change.puts(), change.deletePrefixes(), false);
  }

  static TreeChange replacement() {
    return new TreeChange(Map.of(), List.of(), true);
  }

  /**
   * The part of this commit a watcher of {@code prefix} sees, or null when the commit did not touch
   * it: puts under the prefix; deletes under it, and the prefix itself for a delete above it.
   *
   * @param treeRoot the path of the whole tree
   * @param tree the tree after the commit
   */
  MetadataChange under(String prefix, String treeRoot, SortedMap<String, String> tree) {
    Map<String, String> p = new LinkedHashMap<>();
    Set<String> d = new LinkedHashSet<>();
    List<String> deletes = whole ? List.of(treeRoot) : deletePrefixes;
    for (String del : deletes) {
      if (isUnder(del, prefix)) {
        d.add(del);
      } else if (isUnder(prefix, del)) {
        d.add(prefix);
      }
    }
    Map<String, String> source = whole ? tree : puts;
    source.forEach(
        (k, v) -> {
          if (isUnder(k, prefix)) {
            p.put(k, v);
          }
        });
    if (p.isEmpty() && d.isEmpty()) {
      return null;
    }
    return new MetadataChange(p, new ArrayList<>(d));
  }

  /** Whether {@code key} is {@code path} or lies under it ({@code /} covers everything). */
  static boolean isUnder(String key, String path) {
    return path.equals("/") ? key.startsWith("/") : key.equals(path) || key.startsWith(path + "/");
  }
}
