package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.MetadataChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A watcher that applies each notification {@link TreeChange#under} gives it (deletes, then puts)
 * to its copy of a subtree holds what the tree holds under that prefix, whatever the commits, also
 * when commits are recorded as whole-tree replacements.
 */
class TreeChangePropertyTest {
  private static final String TREE = "/clusters/c1";
  private static final List<String> PREFIXES =
      List.of("/", "/clusters", TREE, TREE + "/a", TREE + "/a/b", TREE + "/b", TREE + "/ab");

  @Property(tries = 200)
  void aMirrorFedWithEachNotification_holdsTheSubtree(
      @ForAll("commits") List<MetadataChange> commits, @ForAll("wholes") List<Boolean> wholes) {
    TreeMap<String, String> tree = new TreeMap<>();
    Map<String, TreeMap<String, String>> mirrors = new LinkedHashMap<>();
    PREFIXES.forEach(p -> mirrors.put(p, new TreeMap<>()));

    for (int i = 0; i < commits.size(); i++) {
      MetadataChange c = commits.get(i);
      for (String d : c.deletePrefixes()) {
        tree.keySet().removeIf(k -> TreeChange.isUnder(k, d));
      }
      tree.putAll(c.puts());
      TreeChange recorded =
          wholes.get(i % wholes.size()) ? TreeChange.replacement() : TreeChange.of(c);
      for (String prefix : PREFIXES) {
        MetadataChange n = recorded.under(prefix, TREE, tree);
        TreeMap<String, String> mirror = mirrors.get(prefix);
        if (n != null) {
          assertThat(n.puts().keySet()).allMatch(k -> TreeChange.isUnder(k, prefix));
          assertThat(n.deletePrefixes()).allMatch(d -> TreeChange.isUnder(d, prefix));
          for (String d : n.deletePrefixes()) {
            mirror.keySet().removeIf(k -> TreeChange.isUnder(k, d));
          }
          mirror.putAll(n.puts());
        }
        assertThat(mirror).as("the mirror of %s", prefix).isEqualTo(subtree(tree, prefix));
      }
    }
  }

  private static SortedMap<String, String> subtree(TreeMap<String, String> tree, String prefix) {
    TreeMap<String, String> out = new TreeMap<>();
    tree.forEach(
        (k, v) -> {
          if (TreeChange.isUnder(k, prefix)) {
            out.put(k, v);
          }
        });
    return out;
  }

  @Provide
  Arbitrary<List<MetadataChange>> commits() {
    Arbitrary<String> path =
        Arbitraries.of("a", "b", "ab", "a/b", "a/b/c", "a/bc", "b/x", "ab/y")
            .map(p -> TREE + "/" + p);
    Arbitrary<Map<String, String>> puts =
        Combinators.combine(
                path.list().ofMaxSize(4), Arbitraries.of("", "1", "2", "x y").list().ofSize(4))
            .as(
                (keys, values) -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  for (int i = 0; i < keys.size(); i++) {
                    m.put(keys.get(i), values.get(i));
                  }
                  return m;
                });
    Arbitrary<List<String>> deletes =
        Arbitraries.oneOf(path, Arbitraries.just(TREE)).list().ofMaxSize(2);
    return Combinators.combine(puts, deletes)
        .as((p, d) -> new MetadataChange(p, new ArrayList<>(d)))
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<Boolean>> wholes() {
    return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(8);
  }
}
