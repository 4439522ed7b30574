package io.clusterlifecycle.spi.local;

import static io.clusterlifecycle.spi.local.Fixtures.await;
import static io.clusterlifecycle.spi.local.Fixtures.failure;
import static io.clusterlifecycle.spi.local.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.api.spi.MetadataChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMetadataStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private LocalHome home;
  private ExecutorService pool;
  private LocalMetadataStore store;

  @BeforeEach
  void open() {
    home = LocalHome.open(dir);
    pool = Executors.newFixedThreadPool(2);
    store = new LocalMetadataStore(home, LocalMetadataStore.DEFAULT_ROOT, pool);
  }

  @AfterEach
  void close() {
    store.close();
    pool.shutdownNow();
  }

  private static MetadataChange puts(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new MetadataChange(m, List.of());
  }

  private static MetadataChange deletes(String... prefixes) {
    return new MetadataChange(Map.of(), List.of(prefixes));
  }

  @Test
  void commit_appliesEveryKey_andGetReadsByPathPrefixSorted() {
    await(
        store.commit(
            puts(
                "/clusters/c1/env/b",
                "2",
                "/clusters/c1/env/a",
                "1",
                "/clusters/c10/env/a",
                "x",
                "/clusters/c1-x/env/a",
                "y")));

    assertThat(await(store.get("/clusters/c1")))
        .containsExactly(entry("/clusters/c1/env/a", "1"), entry("/clusters/c1/env/b", "2"));
    assertThat(await(store.get("/clusters/c1/"))).hasSize(2);
    assertThat(await(store.get("/clusters/c1/env/a"))).containsOnlyKeys("/clusters/c1/env/a");
    assertThat(await(store.get("/"))).hasSize(4);
    assertThat(await(store.get("/nothing"))).isEmpty();
    assertThat(store.commitCount()).isEqualTo(1);
  }

  @Test
  void commit_withABadKey_changesNothing() {
    await(store.commit(puts("/clusters/c1/env/a", "1")));

    for (String bad : List.of("relative/key", "/a//b", "/a/../b", "/a/b/", "/")) {
      assertThat(
              failure(
                  store.commit(
                      puts(
                          "/clusters/c1/env/a", "changed", "/clusters/c1/env/z", "new", bad, "v"))))
          .as("key %s", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(failure(store.commit(deletes("/clusters/c1", "no-slash"))))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(await(store.get("/"))).containsExactly(entry("/clusters/c1/env/a", "1"));
    assertThat(store.commitCount()).isEqualTo(1);
  }

  @Test
  void deletePrefixes_removeThePathAndEverythingUnderIt_beforeThePuts() {
    await(
        store.commit(
            puts(
                "/a/b",
                "1",
                "/a/b/c",
                "2",
                "/a/b/c/d",
                "3",
                "/a/bc",
                "4",
                "/a/b-c",
                "5",
                "/a/x",
                "6")));

    await(store.commit(new MetadataChange(Map.of("/a/b/new", "7"), List.of("/a/b"))));

    assertThat(await(store.get("/")))
        .containsExactly(
            entry("/a/b-c", "5"), entry("/a/b/new", "7"), entry("/a/bc", "4"), entry("/a/x", "6"));
    await(store.commit(deletes("/")));
    assertThat(await(store.get("/"))).isEmpty();
  }

  @Test
  void watchers_getOneNotificationPerCommit_withThePartUnderTheirPrefix() throws Exception {
    List<MetadataChange> c1 = new CopyOnWriteArrayList<>();
    List<MetadataChange> c2 = new CopyOnWriteArrayList<>();
    List<MetadataChange> all = new CopyOnWriteArrayList<>();
    List<MetadataChange> other = new CopyOnWriteArrayList<>();
    AutoCloseable w1 = store.watch("/clusters/c1", c1::add);
    store.watch("/clusters/c2", c2::add);
    store.watch("/clusters", all::add);
    store.watch("/elsewhere", other::add);
    store.watch(
        "/clusters",
        change -> {
          throw new IllegalStateException("a bad listener");
        });

    await(
        store.commit(
            new MetadataChange(
                Map.of(
                    "/clusters/c1/hosts/zk/n1/ip",
                    "127.0.0.2",
                    "/clusters/c1/hosts/zk/n1/role",
                    "zk",
                    "/clusters/c1/env/x",
                    "1"),
                List.of("/clusters/c2/adding-hosts"))));

    assertThat(c1)
        .singleElement()
        .satisfies(
            ch -> {
              assertThat(ch.puts()).hasSize(3);
              assertThat(ch.deletePrefixes()).isEmpty();
            });
    assertThat(c2)
        .singleElement()
        .satisfies(
            ch -> {
              assertThat(ch.puts()).isEmpty();
              assertThat(ch.deletePrefixes()).containsExactly("/clusters/c2/adding-hosts");
            });
    assertThat(all).singleElement().satisfies(ch -> assertThat(ch.puts()).hasSize(3));
    assertThat(other).isEmpty();

    w1.close();
    await(store.commit(deletes("/clusters")));

    assertThat(c1).hasSize(1);
    assertThat(c2).hasSize(2);
    assertThat(c2.get(1).deletePrefixes())
        .as("an ancestor's delete, seen from the watch")
        .containsExactly("/clusters/c2");
    assertThat(all).hasSize(2);
    assertThat(store.commitCount()).isEqualTo(2);
  }

  @Test
  void nodeMetadataFiles_holdTheClusterSubtreeAsNestedObjects_andFollowEachCommit()
      throws IOException {
    try (LocalResourceProvider provider =
        new LocalResourceProvider(home, pool, Clock.systemUTC())) {
      await(provider.create(node("c1", "demo-zk-1", "zk", 0)));
      await(provider.create(node("c1", "demo-zk-2", "zk", 0)));
      await(provider.create(node("c1", "demo-zk-3", "zk", 0)));
      await(provider.create(node("c2", "other-zk-1", "zk", 0)));
    }
    Path zk1 = home.nodeMetadataFile("demo-zk-1");
    Path zk2 = home.nodeMetadataFile("demo-zk-2");

    await(
        store.commit(
            puts(
                "/clusters/c1/cluster/name",
                "demo",
                "/clusters/c1/hosts/zk/demo-zk-1/ip",
                "127.0.0.2",
                "/clusters/c1/hosts/zk/demo-zk-1/role",
                "zk",
                "/clusters/c1/adding-hosts/zk/demo-zk-2/ip",
                "127.0.0.3",
                "/clusters/c1/hosts/zk/demo-zk-9/ip",
                "127.0.0.9",
                "/clusters/c2/hosts/zk/other-zk-1/ip",
                "127.0.0.4")));

    JsonNode tree = JSON.readTree(zk1.toFile());
    assertThat(tree.path("cluster").path("name").asText()).isEqualTo("demo");
    assertThat(tree.path("hosts").path("zk").path("demo-zk-1").path("ip").asText())
        .isEqualTo("127.0.0.2");
    assertThat(tree.path("adding-hosts").path("zk").path("demo-zk-2").path("ip").asText())
        .isEqualTo("127.0.0.3");
    assertThat(tree.has("other-zk-1") || tree.toString().contains("127.0.0.4")).isFalse();
    assertThat(JSON.readTree(zk2.toFile())).isEqualTo(tree);
    assertThat(home.nodeMetadataFile("demo-zk-3")).as("a node not in the tree").doesNotExist();
    assertThat(home.nodeDirectory("demo-zk-9")).doesNotExist();
    assertThat(
            JSON.readTree(home.nodeMetadataFile("other-zk-1").toFile())
                .path("hosts")
                .path("zk")
                .path("other-zk-1")
                .path("ip")
                .asText())
        .isEqualTo("127.0.0.4");

    await(
        store.commit(
            new MetadataChange(
                Map.of("/clusters/c1/env/tick", "2000"), List.of("/clusters/c1/adding-hosts"))));

    JsonNode after = JSON.readTree(zk1.toFile());
    assertThat(after.path("env").path("tick").asText()).isEqualTo("2000");
    assertThat(after.has("adding-hosts")).isFalse();
    assertThat(JSON.readTree(zk2.toFile()).has("adding-hosts"))
        .as("a node no longer listed keeps its last file")
        .isTrue();
    try (var files = Files.list(home.nodeDirectory("demo-zk-1"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("resource.json", "metadata.json");
    }
  }

  @Test
  void nested_keepsTheValueOfAKeyThatAlsoHasChildren() {
    var keys =
        new java.util.TreeMap<>(Map.of("/r/c/a", "leaf", "/r/c/a/b", "child", "/r/c/x/y", "z"));

    JsonNode tree = io.clusterlifecycle.codec.MetadataJson.nested(keys, "/r/c");

    assertThat(tree.toString())
        .isEqualTo("{\"a\":{\"\":\"leaf\",\"b\":\"child\"}," + "\"x\":{\"y\":\"z\"}}");
  }

  @Test
  void aConfiguredRoot_decidesWhichKeysReachTheNodes() throws IOException {
    try (LocalResourceProvider provider =
        new LocalResourceProvider(home, pool, Clock.systemUTC())) {
      await(provider.create(node("c1", "demo-zk-1", "zk", 0)));
    }
    LocalMetadataStore apps = new LocalMetadataStore(home, "/apps/", pool);

    await(apps.commit(puts("/clusters/c1/hosts/zk/demo-zk-1/ip", "wrong-root")));
    assertThat(home.nodeMetadataFile("demo-zk-1")).doesNotExist();
    await(apps.commit(puts("/apps/c1/hosts/zk/demo-zk-1/ip", "127.0.0.2")));

    assertThat(apps.root()).isEqualTo("/apps");
    assertThat(JSON.readTree(home.nodeMetadataFile("demo-zk-1").toFile()).toString())
        .isEqualTo("{\"hosts\":{\"zk\":{\"demo-zk-1\":{\"ip\":\"127.0.0.2\"}}}}");
  }

  @Test
  void reopening_readsTheSameTreeFromDisk() {
    await(store.commit(puts("/clusters/c1/env/a", "1", "/clusters/c1/env/b", "two words")));
    await(store.commit(deletes("/clusters/c1/env/a")));

    LocalMetadataStore reopened =
        new LocalMetadataStore(LocalHome.open(dir), LocalMetadataStore.DEFAULT_ROOT, pool);

    assertThat(await(reopened.get("/"))).containsExactly(entry("/clusters/c1/env/b", "two words"));
  }

  @Test
  void twoStoresOnOneHome_readWhatTheOtherCommitted() {
    LocalMetadataStore other =
        new LocalMetadataStore(LocalHome.open(dir), LocalMetadataStore.DEFAULT_ROOT, pool);
    assertThat(await(other.get("/"))).isEmpty();

    await(store.commit(puts("/k/1", "a")));
    assertThat(await(other.get("/"))).containsExactly(entry("/k/1", "a"));
    await(other.commit(puts("/k/2", "b")));
    assertThat(await(store.get("/k"))).containsExactly(entry("/k/1", "a"), entry("/k/2", "b"));

    List<java.util.concurrent.CompletableFuture<Void>> commits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      LocalMetadataStore s = i % 2 == 0 ? store : other;
      commits.add(s.commit(puts("/many/" + i, "v")).toCompletableFuture());
    }
    commits.forEach(Fixtures::await);
    assertThat(await(store.get("/many"))).hasSize(20);
    assertThat(await(other.get("/many"))).hasSize(20);
  }
}
