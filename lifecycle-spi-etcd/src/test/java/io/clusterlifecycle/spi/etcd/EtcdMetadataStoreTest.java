package io.clusterlifecycle.spi.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.testsupport.EtcdServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the etcd metadata store adds to the SPI contract: etcd transactions and plain keys. */
class EtcdMetadataStoreTest {
  private static EtcdServer etcd;

  @BeforeAll
  static void start() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static String root() {
    return "/clusters/" + UUID.randomUUID();
  }

  @Test
  void publish_isOneRevision_andEveryLeafIsAPlainEtcdKey() throws Exception {
    String root = root();
    Map<String, String> puts = new LinkedHashMap<>();
    for (int i = 1; i <= 20; i++) {
      puts.put(root + "/hosts/db/db-" + i + "/ip", "10.0.0." + i);
      puts.put(root + "/hosts/db/db-" + i + "/role", "db");
    }
    try (EtcdMetadataStore store = EtcdMetadataStore.open(etcd.url())) {
      List<MetadataChange> seen = new CopyOnWriteArrayList<>();
      try (AutoCloseable w = store.watch(root, seen::add)) {
        store.commit(new MetadataChange(puts, List.of())).toCompletableFuture().join();
        awaitSize(seen, 1);
        store
            .commit(new MetadataChange(Map.of(root + "/z", "end"), List.of()))
            .toCompletableFuture()
            .join();
        awaitSize(seen, 2);
      }
      assertThat(seen.get(0).puts()).isEqualTo(puts);
      assertThat(etcdctl("get", "--prefix", root + "/hosts/db/db-7/"))
          .containsExactly(
              root + "/hosts/db/db-7/ip", "10.0.0.7", root + "/hosts/db/db-7/role", "db");
    }
  }

  @Test
  void deletingAPrefix_andSettingKeysUnderIt_isOneRevision_andSparesSiblings() throws Exception {
    String root = root();
    try (EtcdMetadataStore store = EtcdMetadataStore.open(etcd.url())) {
      store
          .commit(
              new MetadataChange(
                  Map.of(
                      root + "/hosts/db/a/ip",
                      "1",
                      root + "/hosts/db/b/ip",
                      "2",
                      root + "/hosts",
                      "x",
                      root + "/hosts-2/k",
                      "kept"),
                  List.of()))
          .toCompletableFuture()
          .join();
      List<MetadataChange> seen = new CopyOnWriteArrayList<>();
      try (AutoCloseable w = store.watch(root, seen::add)) {
        store
            .commit(
                new MetadataChange(Map.of(root + "/hosts/db/a/ip", "3"), List.of(root + "/hosts")))
            .toCompletableFuture()
            .join();
        awaitSize(seen, 1);
        store
            .commit(new MetadataChange(Map.of(root + "/z", "end"), List.of()))
            .toCompletableFuture()
            .join();
        awaitSize(seen, 2);
      }
      assertThat(store.get(root).toCompletableFuture().join())
          .isEqualTo(
              new TreeMap<>(
                  Map.of(
                      root + "/hosts/db/a/ip",
                      "3",
                      root + "/hosts-2/k",
                      "kept",
                      root + "/z",
                      "end")));
      assertThat(seen.get(0).puts()).isEqualTo(Map.of(root + "/hosts/db/a/ip", "3"));
      assertThat(seen.get(0).deletePrefixes())
          .containsExactlyInAnyOrder(root + "/hosts", root + "/hosts/db/b/ip");
    }
  }

  @Test
  void aChangeAboveTheTransactionLimit_isSplit_andVisibleWhole() throws Exception {
    String root = root();
    Map<String, String> puts = new LinkedHashMap<>();
    for (int i = 0; i < 25; i++) {
      puts.put(root + "/env/k" + i, "v" + i);
    }
    try (EtcdMetadataStore store =
        EtcdMetadataStore.builder()
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .maxTxnOps(10)
            .build()) {
      List<MetadataChange> seen = new CopyOnWriteArrayList<>();
      try (AutoCloseable w = store.watch(root, seen::add)) {
        store.commit(new MetadataChange(puts, List.of())).toCompletableFuture().join();
        awaitSize(seen, 3);
      }
      assertThat(store.get(root).toCompletableFuture().join()).isEqualTo(new TreeMap<>(puts));
      assertThat(seen).extracting(c -> c.puts().size()).containsExactly(10, 10, 5);
    }
  }

  @Test
  void aPrefix_putsEveryKeyUnderIt_forConfdsPrefixOption() throws Exception {
    String root = root();
    try (EtcdMetadataStore store =
        EtcdMetadataStore.builder()
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .prefix("/confd")
            .build()) {
      store
          .commit(new MetadataChange(Map.of(root + "/cluster/name", "c1"), List.of()))
          .toCompletableFuture()
          .join();
      assertThat(etcdctl("get", "/confd" + root + "/cluster/name"))
          .containsExactly("/confd" + root + "/cluster/name", "c1");
      assertThat(store.get(root).toCompletableFuture().join())
          .isEqualTo(Map.of(root + "/cluster/name", "c1"));
    }
  }

  @Test
  void etcdDown_failsCallsAsTransient_andWatchesResumeWhenItIsBack() throws Exception {
    String root = root();
    try (EtcdMetadataStore store =
        EtcdMetadataStore.builder()
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .requestTimeout(Duration.ofSeconds(3))
            .build()) {
      List<MetadataChange> seen = new CopyOnWriteArrayList<>();
      try (AutoCloseable w = store.watch(root, seen::add)) {
        store
            .commit(new MetadataChange(Map.of(root + "/a", "1"), List.of()))
            .toCompletableFuture()
            .join();
        awaitSize(seen, 1);
        etcd.kill();
        try {
          assertThatThrownBy(
                  () ->
                      store
                          .commit(new MetadataChange(Map.of(root + "/b", "2"), List.of()))
                          .toCompletableFuture()
                          .join())
              .isInstanceOf(CompletionException.class)
              .hasCauseInstanceOf(TransientSpiException.class);
        } finally {
          etcd.restart();
        }
        AfterOutage.join(
            () -> store.commit(new MetadataChange(Map.of(root + "/c", "3"), List.of())));
        // the watch either resumes where it was (then it reports c alone) or, when jetcd gave
        // it up during the outage, restarts from the whole tree: either way the watcher's view
        // becomes the tree, c included
        Map<String, String> expected = new TreeMap<>(Map.of(root + "/a", "1", root + "/c", "3"));
        await()
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(10))
            .untilAsserted(
                () ->
                    assertThat(mirror(seen))
                        .as("the watcher's view of the tree")
                        .isEqualTo(expected));
        assertThat(seen.get(seen.size() - 1).puts()).containsEntry(root + "/c", "3");
      }
      assertThat(store.get(root).toCompletableFuture().join())
          .isEqualTo(new TreeMap<>(Map.of(root + "/a", "1", root + "/c", "3")));
    }
  }

  /** The tree a watcher builds by applying the changes it was given, in order. */
  private static Map<String, String> mirror(List<MetadataChange> changes) {
    Map<String, String> tree = new TreeMap<>();
    for (MetadataChange c : changes) {
      c.deletePrefixes()
          .forEach(d -> tree.keySet().removeIf(k -> k.equals(d) || k.startsWith(d + "/")));
      tree.putAll(c.puts());
    }
    return tree;
  }

  @Test
  void aWatchEtcdEnds_startsAgainFromTheWholeTree_andMissesNothing() throws Exception {
    String root = root();
    try (EtcdMetadataStore store = EtcdMetadataStore.open(etcd.url());
        EtcdMetadataStore other = EtcdMetadataStore.open(etcd.url())) {
      other
          .commit(new MetadataChange(Map.of(root + "/a", "1", root + "/b", "2"), List.of()))
          .toCompletableFuture()
          .join();
      List<MetadataChange> seen = new CopyOnWriteArrayList<>();
      try (AutoCloseable w = store.watch(root, seen::add)) {
        other
            .commit(new MetadataChange(Map.of(root + "/c", "3"), List.of(root + "/a")))
            .toCompletableFuture()
            .join();
        awaitSize(seen, 1);
        // as when etcd compacted past the watch's revision: jetcd ends the watch for good
        ((EtcdMetadataStore.Subscription) w).ended(new IllegalStateException("compacted"));
        awaitSize(seen, 2);
        other
            .commit(new MetadataChange(Map.of(root + "/d", "4"), List.of()))
            .toCompletableFuture()
            .join();
        awaitSize(seen, 3);
      }
      assertThat(seen.get(1).deletePrefixes()).containsExactly(root);
      assertThat(seen.get(1).puts()).isEqualTo(Map.of(root + "/b", "2", root + "/c", "3"));
      Map<String, String> mirror = new TreeMap<>(Map.of(root + "/a", "1", root + "/b", "2"));
      for (MetadataChange c : seen) {
        c.deletePrefixes()
            .forEach(d -> mirror.keySet().removeIf(k -> k.equals(d) || k.startsWith(d + "/")));
        mirror.putAll(c.puts());
      }
      assertThat(mirror).isEqualTo(store.get(root).toCompletableFuture().join());
    }
  }

  static void awaitSize(List<?> list, int size) {
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () -> assertThat(list).as("notifications").hasSizeGreaterThanOrEqualTo(size));
    assertThat(list).as("notifications").hasSize(size);
  }

  /** Runs Debian's etcdctl (v3 API) against the server; its output lines. */
  private static List<String> etcdctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", etcd.endpoint()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("etcdctl %s: %s", List.of(args), out).isZero();
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }
}
