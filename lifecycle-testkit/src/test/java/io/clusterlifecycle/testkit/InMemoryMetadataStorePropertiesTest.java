package io.clusterlifecycle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.MetadataChange;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class InMemoryMetadataStorePropertiesTest {

  @Property(tries = 300)
  void storeMatchesAModel_andAWatcherCanRebuildItsSubtreeFromItsNotifications(
      @ForAll("changes") List<MetadataChange> changes, @ForAll("paths") String watched)
      throws Exception {
    InMemoryMetadataStore store = new InMemoryMetadataStore();
    InMemoryMetadataStore.Watch watch = store.watch(watched, c -> {});
    TreeMap<String, String> model = new TreeMap<>();
    int touching = 0;

    for (MetadataChange change : changes) {
      boolean touches = change.puts().keySet().stream().anyMatch(k -> under(k, watched));
      for (String prefix : change.deletePrefixes()) {
        List<String> gone = model.keySet().stream().filter(k -> under(k, prefix)).toList();
        touches |= gone.stream().anyMatch(k -> under(k, watched));
        gone.forEach(model::remove);
      }
      model.putAll(change.puts());
      touching += touches ? 1 : 0;
      Fixtures.await(store.commit(change));
      assertThat(store.snapshot()).isEqualTo(model);
      assertThat(Fixtures.await(store.get(watched))).isEqualTo(subtree(model, watched));
    }

    assertThat(watch.notificationCount()).isEqualTo(touching);
    TreeMap<String, String> rebuilt = new TreeMap<>();
    for (MetadataChange part : watch.received()) {
      assertThat(part.isEmpty()).isFalse();
      assertThat(part.puts().keySet()).allMatch(k -> under(k, watched));
      assertThat(part.deletePrefixes()).allMatch(p -> under(p, watched));
      for (String prefix : part.deletePrefixes()) {
        rebuilt.keySet().removeIf(k -> under(k, prefix));
      }
      rebuilt.putAll(part.puts());
    }
    assertThat(rebuilt).isEqualTo(Fixtures.await(store.get(watched)));
  }

  private static TreeMap<String, String> subtree(TreeMap<String, String> model, String path) {
    TreeMap<String, String> out = new TreeMap<>();
    model.forEach(
        (k, v) -> {
          if (under(k, path)) {
            out.put(k, v);
          }
        });
    return out;
  }

  private static boolean under(String key, String path) {
    return path.equals("/") || key.equals(path) || key.startsWith(path + "/");
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just("/")),
        net.jqwik.api.Tuple.of(6, segments(1, 3)));
  }

  @Provide
  Arbitrary<List<MetadataChange>> changes() {
    Arbitrary<Map<String, String>> puts =
        Arbitraries.maps(segments(1, 3), Arbitraries.of("1", "2", "3")).ofMaxSize(4);
    Arbitrary<List<String>> deletes = paths().list().ofMaxSize(2);
    return Combinators.combine(puts, deletes)
        .as((p, d) -> new MetadataChange(p, d))
        .list()
        .ofMaxSize(12);
  }

  private static Arbitrary<String> segments(int min, int max) {
    // "a-1" and "a.b" sort between "a" and "a/...": a path's subtree is not one run of sorted keys
    return Arbitraries.of("a", "b", "c", "a-1", "a.b")
        .list()
        .ofMinSize(min)
        .ofMaxSize(max)
        .map(s -> "/" + String.join("/", s));
  }
}
