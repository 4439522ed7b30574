package io.clusterlifecycle.spi.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.MetadataChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The store against a plain sorted map as model, over random commit sequences. */
class MetadataStorePropertyTest {
  private static final Executor DIRECT = Runnable::run;

  @Property(tries = 40)
  void anySequenceOfCommits_readsLikeTheModel_beforeAndAfterReopening(
      @ForAll("commits") List<MetadataChange> commits) throws IOException {
    Path dir = Files.createTempDirectory("lc-meta");
    try {
      LocalHome home = LocalHome.open(dir);
      LocalMetadataStore store = new LocalMetadataStore(home, "/r", DIRECT);
      TreeMap<String, String> model = new TreeMap<>();
      List<MetadataChange> seen = new ArrayList<>();
      store.watch("/r/a", seen::add);
      int touchingA = 0;
      for (MetadataChange c : commits) {
        Fixtures.await(store.commit(c));
        for (String p : c.deletePrefixes()) {
          model.keySet().removeIf(k -> k.equals(p) || k.startsWith(p + "/"));
        }
        model.putAll(c.puts());
        boolean touches =
            c.puts().keySet().stream().anyMatch(k -> k.equals("/r/a") || k.startsWith("/r/a/"))
                || c.deletePrefixes().stream()
                    .anyMatch(p -> p.equals("/r") || p.equals("/r/a") || p.startsWith("/r/a/"));
        touchingA += touches ? 1 : 0;
      }
      assertThat(Fixtures.await(store.get("/"))).containsExactlyEntriesOf(model);
      assertThat(seen).hasSize(touchingA);
      assertThat(store.commitCount()).isEqualTo(commits.size());
      LocalMetadataStore reopened = new LocalMetadataStore(LocalHome.open(dir), "/r", DIRECT);
      assertThat(Fixtures.await(reopened.get("/"))).containsExactlyEntriesOf(model);
    } finally {
      AtomicFiles.deleteRecursively(dir);
    }
  }

  @Provide
  Arbitrary<List<MetadataChange>> commits() {
    Arbitrary<String> segment = Arbitraries.of("a", "b", "ab", "a-b", "c");
    Arbitrary<String> path =
        segment.list().ofMinSize(1).ofMaxSize(3).map(s -> "/r/" + String.join("/", s));
    Arbitrary<Map<String, String>> puts =
        Arbitraries.maps(path, Arbitraries.strings().ofMaxLength(5))
            .ofMaxSize(4)
            .map(LinkedHashMap::new);
    Arbitrary<List<String>> deletes =
        Arbitraries.oneOf(path, Arbitraries.just("/r")).list().ofMaxSize(2);
    return Combinators.combine(puts, deletes).as(MetadataChange::new).list().ofMaxSize(8);
  }
}
