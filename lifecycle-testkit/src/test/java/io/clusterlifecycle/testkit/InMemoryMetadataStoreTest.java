package io.clusterlifecycle.testkit;

import static io.clusterlifecycle.testkit.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryMetadataStoreTest {
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();

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
  void commit_appliesDeletesBeforePuts() throws Exception {
    await(store.commit(puts("/c/a/x", "1", "/c/a/y", "2", "/c/b", "3")));

    await(store.commit(new MetadataChange(Map.of("/c/a/x", "new"), List.of("/c/a"))));

    assertThat(store.snapshot())
        .containsExactly(Map.entry("/c/a/x", "new"), Map.entry("/c/b", "3"));
  }

  @Test
  void get_matchesWholePathSegments_andReturnsKeysSorted() throws Exception {
    await(store.commit(puts("/a/z", "1", "/ab", "2", "/a", "3", "/a/b/c", "4")));

    assertThat(await(store.get("/a")))
        .containsExactly(Map.entry("/a", "3"), Map.entry("/a/b/c", "4"), Map.entry("/a/z", "1"));
    assertThat(await(store.get("/a/"))).isEqualTo(await(store.get("/a")));
    assertThat(await(store.get("/"))).containsOnlyKeys("/a", "/a/b/c", "/a/z", "/ab");
    assertThat(await(store.get("/nothing"))).isEmpty();
    assertThatThrownBy(() -> await(store.get("/")).put("/x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void commit_withARelativeKey_isRefusedWhole() throws Exception {
    await(store.commit(puts("/keep", "1")));

    CompletableFuture<Void> bad =
        store.commit(new MetadataChange(Map.of("/ok", "1", "relative", "2"), List.of("/keep")));

    assertThat(bad).isCompletedExceptionally();
    assertThatThrownBy(() -> await(bad))
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relative");
    assertThat(store.snapshot()).containsExactly(Map.entry("/keep", "1"));
    assertThat(store.commitCount()).isEqualTo(1);
    assertThatThrownBy(() -> store.watch("hosts", c -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void watchers_areNotifiedOncePerCommit_withThePartUnderTheirPath() throws Exception {
    List<MetadataChange> hosts = new CopyOnWriteArrayList<>();
    List<MetadataChange> env = new CopyOnWriteArrayList<>();
    List<MetadataChange> all = new CopyOnWriteArrayList<>();
    List<MetadataChange> other = new CopyOnWriteArrayList<>();
    store.watch("/c1/hosts", hosts::add);
    store.watch("/c1/env/", env::add);
    store.watch("/", all::add);
    store.watch("/c2", other::add);

    MetadataChange publish =
        puts(
            "/c1/hosts/zk/n1/ip",
            "10.0.0.1",
            "/c1/hosts/zk/n2/ip",
            "10.0.0.2",
            "/c1/hosts/zk/n3/ip",
            "10.0.0.3",
            "/c1/env/a",
            "b",
            "/c1/hostsX",
            "not under hosts");
    await(store.commit(publish));

    assertThat(hosts)
        .containsExactly(
            puts(
                "/c1/hosts/zk/n1/ip",
                "10.0.0.1",
                "/c1/hosts/zk/n2/ip",
                "10.0.0.2",
                "/c1/hosts/zk/n3/ip",
                "10.0.0.3"));
    assertThat(env).containsExactly(puts("/c1/env/a", "b"));
    assertThat(all).containsExactly(publish);
    assertThat(other).isEmpty();
    assertThat(store.notificationCount()).isEqualTo(3);
    assertThat(store.notificationCount("/c1/hosts")).isEqualTo(1);
    assertThat(store.notificationCount("/c1/env")).isEqualTo(1);
    assertThat(store.notificationCount("/c2")).isZero();
  }

  @Test
  void deletes_notifyOnlyWatchersTheyRemovedKeysFrom_clippedToTheWatchedPath() throws Exception {
    await(
        store.commit(
            puts("/c1/hosts/zk/n1/ip", "1", "/c1/hosts/kafka/k1/ip", "2", "/c1/env/a", "b")));
    InMemoryMetadataStore.Watch zk = store.watch("/c1/hosts/zk", c -> {});
    InMemoryMetadataStore.Watch hosts = store.watch("/c1/hosts", c -> {});
    InMemoryMetadataStore.Watch env = store.watch("/c1/env", c -> {});

    await(store.commit(deletes("/c1/hosts/zk/n1", "/c1/adding-hosts")));
    await(store.commit(deletes("/c1/hosts")));
    await(store.commit(deletes("/c1/hosts"))); // removes nothing: notifies nobody

    assertThat(zk.received()).containsExactly(deletes("/c1/hosts/zk/n1"));
    assertThat(hosts.received()).containsExactly(deletes("/c1/hosts/zk/n1"), deletes("/c1/hosts"));
    assertThat(env.received()).isEmpty();
    assertThat(store.commitCount()).isEqualTo(4);
  }

  @Test
  void deleteAbove_aWatchedPath_isReportedAsADeleteOfThatPath() throws Exception {
    await(store.commit(puts("/c1/hosts/zk/n1/ip", "1", "/c1/cluster/name", "demo")));
    InMemoryMetadataStore.Watch zk = store.watch("/c1/hosts/zk", c -> {});

    await(store.commit(new MetadataChange(Map.of("/c1/hosts/zk/n2/ip", "2"), List.of("/c1"))));

    assertThat(zk.received())
        .containsExactly(
            new MetadataChange(Map.of("/c1/hosts/zk/n2/ip", "2"), List.of("/c1/hosts/zk")));
  }

  @Test
  void emptyCommit_isCountedAndInTheHistory_butNotifiesNobody() throws Exception {
    InMemoryMetadataStore.Watch root = store.watch("/", c -> {});
    MetadataChange first = puts("/a", "1");

    await(store.commit(first));
    await(store.commit(new MetadataChange(Map.of(), List.of())));

    assertThat(store.commitCount()).isEqualTo(2);
    assertThat(store.commits()).containsExactly(first, new MetadataChange(Map.of(), List.of()));
    assertThat(root.notificationCount()).isEqualTo(1);
  }

  @Test
  void closedWatch_getsNothingMore_butStillCounts() throws Exception {
    InMemoryMetadataStore.Watch w = store.watch("/a", c -> {});
    await(store.commit(puts("/a/1", "x")));
    w.close();
    w.close();
    await(store.commit(puts("/a/2", "y")));

    assertThat(w.isClosed()).isTrue();
    assertThat(w.notificationCount()).isEqualTo(1);
    assertThat(store.notificationCount("/a")).isEqualTo(1);
  }

  @Test
  void aThrowingListener_doesNotStopTheCommitOrOtherWatchers() throws Exception {
    IllegalStateException bug = new IllegalStateException("listener bug");
    store.watch(
        "/a",
        c -> {
          throw bug;
        });
    InMemoryMetadataStore.Watch other = store.watch("/a", c -> {});

    await(store.commit(puts("/a/1", "x")));

    assertThat(other.notificationCount()).isEqualTo(1);
    assertThat(store.listenerFailures()).containsExactly(bug);
    assertThat(store.value("/a/1")).contains("x");
  }

  @Test
  void aListenerThatCommits_hasItsCommitDeliveredAfterTheCurrentOne() throws Exception {
    List<String> seenByRoot = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> nested = new CopyOnWriteArrayList<>();
    store.watch("/", c -> seenByRoot.add(String.join(",", c.puts().keySet())));
    store.watch("/trigger", c -> nested.add(store.commit(puts("/reaction", "1"))));
    store.watch("/z", c -> seenByRoot.add("z saw " + c.puts().keySet()));

    await(store.commit(puts("/trigger", "go", "/z/1", "v")));

    assertThat(nested).hasSize(1);
    await(nested.get(0));
    assertThat(seenByRoot).containsExactly("/trigger,/z/1", "z saw [/z/1]", "/reaction");
  }

  @Test
  void failCommit_refusesTheChangeWhole_forAsManyCommitsAsAsked() throws Exception {
    TransientSpiException unavailable = new TransientSpiException("etcd unavailable", null);
    InMemoryMetadataStore.Watch root = store.watch("/", c -> {});
    Fault fault = store.failCommit(c -> c.puts().containsKey("/a"), unavailable).times(1);

    assertThatThrownBy(() -> await(store.commit(puts("/a", "1", "/b", "2")))).hasCause(unavailable);
    assertThat(store.snapshot()).isEmpty();
    assertThat(store.commitCount()).isZero();
    assertThat(root.notificationCount()).isZero();

    await(store.commit(puts("/a", "1", "/b", "2")));
    assertThat(store.snapshot()).containsOnlyKeys("/a", "/b");
    assertThat(fault.hits()).isEqualTo(1);
  }

  @Test
  void concurrentCommits_fromEightThreads_keepPerWatcherOrderCountsAndAtomicity() throws Exception {
    int threads = 8;
    int perThread = 300;
    List<InMemoryMetadataStore.Watch> own = new ArrayList<>();
    List<List<Integer>> seenByOwn = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      seenByOwn.add(seen);
      own.add(
          store.watch(
              "/t" + t,
              c -> seen.add(Integer.parseInt(c.puts().get(c.puts().keySet().iterator().next())))));
    }
    List<MetadataChange> seenByRoot = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger concurrentCalls = new AtomicInteger();
    AtomicBoolean overlapped = new AtomicBoolean();
    InMemoryMetadataStore.Watch root =
        store.watch(
            "/",
            c -> {
              if (concurrentCalls.incrementAndGet() > 1) {
                overlapped.set(true);
              }
              seenByRoot.add(c);
              concurrentCalls.decrementAndGet();
            });

    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      CyclicBarrier start = new CyclicBarrier(threads + 1);
      AtomicBoolean writing = new AtomicBoolean(true);
      // a reader checks that every snapshot holds whole commits: a == b for each thread
      Future<Integer> reader =
          pool.submit(
              () -> {
                start.await();
                int reads = 0;
                while (writing.get()) {
                  Map<String, String> now = await(store.get("/"));
                  for (int t = 0; t < threads; t++) {
                    assertThat(now.get("/t" + t + "/a")).isEqualTo(now.get("/t" + t + "/b"));
                  }
                  reads++;
                }
                return reads;
              });
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int n = 1; n <= perThread; n++) {
                    String v = Integer.toString(n);
                    await(store.commit(puts("/t" + thread + "/a", v, "/t" + thread + "/b", v)));
                  }
                  return null;
                }));
      }
      for (Future<?> w : writers) {
        w.get(15, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(reader.get(15, TimeUnit.SECONDS)).isPositive();
    } finally {
      pool.shutdownNow();
    }

    int total = threads * perThread;
    assertThat(store.commitCount()).isEqualTo(total);
    assertThat(root.notificationCount()).isEqualTo(total);
    assertThat(store.notificationCount()).isEqualTo(2L * total);
    // the root watcher saw every commit exactly once, in commit order
    assertThat(seenByRoot).isEqualTo(store.commits());
    assertThat(overlapped).isFalse();
    List<Integer> expected = new ArrayList<>();
    for (int n = 1; n <= perThread; n++) {
      expected.add(n);
    }
    for (int t = 0; t < threads; t++) {
      assertThat(own.get(t).notificationCount()).isEqualTo(perThread);
      assertThat(seenByOwn.get(t)).as("thread %d's watcher", t).isEqualTo(expected);
    }
    Map<String, String> last = new HashMap<>();
    for (int t = 0; t < threads; t++) {
      last.put("/t" + t + "/a", Integer.toString(perThread));
      last.put("/t" + t + "/b", Integer.toString(perThread));
    }
    assertThat(store.snapshot()).isEqualTo(last);
  }
}
