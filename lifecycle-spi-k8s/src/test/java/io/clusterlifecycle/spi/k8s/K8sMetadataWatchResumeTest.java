package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.spi.MetadataChange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metadata watch the API server ends with 410 Gone ({@link ExpiringWatches}) resumes: it lists
 * again, tells the listener what it missed, watches again, and stops only when closed.
 */
class K8sMetadataWatchResumeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private K8sMetadataStore store;
  private String cluster;
  private String tree;
  private final List<MetadataChange> notified = new CopyOnWriteArrayList<>();
  private final SortedMap<String, String> mirror = new TreeMap<>();

  @BeforeAll
  static void start() {
    k8s = MockKubernetes.start(pods);
  }

  @AfterAll
  static void stop() {
    k8s.close();
  }

  @BeforeEach
  void open() {
    store = K8sMetadataStore.builder().client(k8s.client()).namespace("test").build();
    cluster = "w-" + UUID.randomUUID().toString().substring(0, 8);
    tree = "/clusters/" + cluster;
  }

  @AfterEach
  void close() {
    k8s.faults().clear();
    k8s.watches().holdNext(0);
    store.close();
  }

  @Test
  void aWatchTheServerEnds_resumes_notifiesWhatItMissed_andGoesOnNotifying() throws Exception {
    commit(new MetadataChange(Map.of(tree + "/hosts/a", "1"), List.of()));
    k8s.watches().holdNext(1);
    AutoCloseable watch = store.watch(tree + "/hosts", this::apply);
    await().atMost(WAIT).until(() -> k8s.watches().held() == 1);

    commit(new MetadataChange(Map.of(tree + "/hosts/b", "2"), List.of(tree + "/hosts/a")));
    commit(new MetadataChange(Map.of(tree + "/other", "x"), List.of()));
    assertThat(notified).as("the held watch delivers nothing").isEmpty();
    k8s.watches().expireAll();

    await().atMost(WAIT).until(() -> snapshot().equals(Map.of(tree + "/hosts/b", "2")));
    int afterResume = notified.size();
    commit(new MetadataChange(Map.of(tree + "/hosts/c", "3"), List.of()));

    await().atMost(WAIT).until(() -> notified.size() > afterResume);
    assertThat(notified.subList(afterResume, notified.size()))
        .containsExactly(new MetadataChange(Map.of(tree + "/hosts/c", "3"), List.of()));
    assertThat(snapshot())
        .isEqualTo(Map.of(tree + "/hosts/b", "2", tree + "/hosts/c", "3"))
        .isEqualTo(store.get(tree + "/hosts").toCompletableFuture().get(30, TimeUnit.SECONDS));
    watch.close();
  }

  @Test
  void aResumeThatFails_isTriedAgainWithBackOff() throws Exception {
    commit(new MetadataChange(Map.of(tree + "/a", "1"), List.of()));
    k8s.watches().holdNext(1);
    AutoCloseable watch = store.watch(tree, this::apply);
    await().atMost(WAIT).until(() -> k8s.watches().held() == 1);
    commit(new MetadataChange(Map.of(tree + "/b", "2"), List.of()));
    k8s.faults().fail("GET", "/configmaps/lc-metadata." + cluster, 500, "etcdserver: timeout", 3);

    k8s.watches().expireAll();

    await().atMost(WAIT).until(() -> snapshot().equals(Map.of(tree + "/a", "1", tree + "/b", "2")));
    assertThat(k8s.faults().answered()).isEqualTo(3);
    commit(new MetadataChange(Map.of(tree + "/c", "3"), List.of()));
    await().atMost(WAIT).until(() -> snapshot().containsKey(tree + "/c"));
    watch.close();
  }

  @Test
  void aTreeDeletedWhileTheWatchWasDown_isNotifiedAsDeleted_toAWatcherAboveTheTrees() {
    commit(new MetadataChange(Map.of(tree + "/a", "1"), List.of()));
    k8s.watches().holdNext(1);
    AutoCloseable unused = store.watch("/clusters", this::apply);
    await().atMost(WAIT).until(() -> k8s.watches().held() == 1);
    // the watcher saw the tree before the watch: a resume must tell it the tree went
    synchronized (mirror) {
      mirror.put(tree + "/a", "1");
    }

    commit(new MetadataChange(Map.of(), List.of(tree)));
    assertThat(
            k8s.client().configMaps().inNamespace("test").withName("lc-metadata." + cluster).get())
        .as("the emptied tree was deleted")
        .isNull();
    k8s.watches().expireAll();

    await()
        .atMost(WAIT)
        .until(() -> notified.contains(new MetadataChange(Map.of(), List.of(tree))));
    assertThat(snapshot()).doesNotContainKey(tree + "/a");
  }

  @Test
  void close_stopsAResumeThatIsWaitingForItsNextAttempt() throws Exception {
    commit(new MetadataChange(Map.of(tree + "/a", "1"), List.of()));
    k8s.watches().holdNext(1);
    AutoCloseable watch = store.watch(tree, this::apply);
    await().atMost(WAIT).until(() -> k8s.watches().held() == 1);
    k8s.faults()
        .fail("GET", "/configmaps/lc-metadata." + cluster, 500, "etcdserver: timeout", 1000);
    k8s.watches().expireAll();
    await().atMost(WAIT).until(() -> k8s.faults().answered() >= 2);

    watch.close();
    int attempts = k8s.faults().answered();
    k8s.faults().clear();
    commit(new MetadataChange(Map.of(tree + "/b", "2"), List.of()));

    long watchRequests = configMapWatchRequests();
    await()
        .during(Duration.ofMillis(1500))
        .atMost(WAIT)
        .until(() -> notified.isEmpty() && configMapWatchRequests() == watchRequests);
    assertThat(attempts).isGreaterThanOrEqualTo(2);
  }

  private long configMapWatchRequests() {
    return k8s.requests().stream()
        .filter(r -> r.getPath().contains("/configmaps") && r.getPath().contains("watch=true"))
        .count();
  }

  private void commit(MetadataChange change) {
    try {
      store.commit(change).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the commit failed: " + e, e);
    }
  }

  /** Applies a notification to the mirror, as a watcher holding the subtree does. */
  private void apply(MetadataChange change) {
    synchronized (mirror) {
      notified.add(change);
      for (String p : change.deletePrefixes()) {
        mirror.keySet().removeIf(k -> TreeChange.isUnder(k, p));
      }
      mirror.putAll(change.puts());
    }
  }

  private Map<String, String> snapshot() {
    synchronized (mirror) {
      Map<String, String> out = new TreeMap<>();
      mirror.forEach(
          (k, v) -> {
            if (TreeChange.isUnder(k, tree)) {
              out.put(k, v);
            }
          });
      return out;
    }
  }
}
