package io.clusterlifecycle.spi.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.testsupport.EtcdServer;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the etcd cluster store's event log adds to the SPI contract: its keys, batches split to fit
 * etcd's transaction limits, reads in pages and by the cluster index, and purges by runs of
 * numbers.
 */
class EtcdEventLogTest {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");
  private static EtcdServer etcd;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final String prefix = "/t-" + UUID.randomUUID();

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

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private EtcdClusterStore store(int maxTxnOps) {
    EtcdClusterStore s =
        EtcdClusterStore.builder()
            .prefix(prefix)
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .requestTimeout(Duration.ofSeconds(5))
            .maxTxnOps(maxTxnOps)
            .build();
    opened.add(s);
    return s;
  }

  private Client raw() {
    Client c = EtcdEndpoints.parse(etcd.url()).connect();
    opened.add(c);
    return c;
  }

  private static List<KeyValue> under(Client raw, String dir) {
    return raw.getKVClient()
        .get(
            EtcdCalls.bytes(dir),
            GetOption.builder().withRange(EtcdCalls.bytes(EtcdCalls.prefixEnd(dir))).build())
        .join()
        .getKvs();
  }

  private static List<String> keysUnder(Client raw, String dir) {
    return under(raw, dir).stream()
        .map(kv -> EtcdCalls.string(kv.getKey()).substring(dir.length()))
        .toList();
  }

  private static LifecycleEvent event(String cluster, String operation, String message) {
    LifecycleEvent.Builder b = LifecycleEvent.builder(EventType.WARNING).message(message);
    if (cluster != null) {
      b.cluster(cluster);
    }
    if (operation != null) {
      b.operation(operation, OperationType.CREATE);
    }
    return b.build(0, T0);
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void events_areStoredUnderTheirNumber_withAClusterIndex_andTheCounter() {
    EtcdClusterStore s = store(128);
    Client raw = raw();
    List<LifecycleEvent> stored =
        join(
            s.appendEvents(
                List.of(
                    event("c1", "op-1", "a"), event("c/2", null, "b"), event("c1", null, "c"))));

    assertThat(stored).extracting(LifecycleEvent::seq).containsExactly(1L, 2L, 3L);
    assertThat(keysUnder(raw, prefix + "/events/"))
        .containsExactly("0000000000000000001", "0000000000000000002", "0000000000000000003");
    assertThat(keysUnder(raw, prefix + "/event-clusters/"))
        .containsExactly(
            "c%2F2/0000000000000000002", "c1/0000000000000000001", "c1/0000000000000000003");
    assertThat(under(raw, prefix + "/event-clusters/c1/"))
        .extracting(kv -> EtcdCalls.string(kv.getValue()))
        .containsExactly("op-1", "");
    assertThat(EtcdCalls.string(under(raw, prefix + "/event-seq").get(0).getValue()))
        .isEqualTo("3");
    assertThat(join(s.events(EventQuery.cluster("c/2")))).containsExactly(stored.get(1));
    assertThat(join(s.events(EventQuery.cluster("c")))).isEmpty();
  }

  @Test
  void events_readBack_withTheirExactTime_andAbsentTextsAbsent() {
    EtcdClusterStore s = store(128);
    LifecycleEvent given =
        LifecycleEvent.builder(EventType.STAGE_STARTED)
            .cluster("c1")
            .build(0, T0.plusNanos(123_456_789));
    LifecycleEvent stored = join(s.appendEvents(List.of(given))).get(0);
    assertThat(stored).isEqualTo(given.withSeq(stored.seq()));
    assertThat(join(s.events(EventQuery.all()))).containsExactly(stored);
    assertThat(join(store(128).events(EventQuery.cluster("c1")))).containsExactly(stored);
  }

  @Test
  void aBatchLargerThanOneTransaction_isSplit_andNumberedInOrder() {
    // 8 operations per transaction: 3 events and the counter
    EtcdClusterStore s = store(8);
    List<LifecycleEvent> given =
        IntStream.range(0, 20).mapToObj(i -> event("c" + (i % 2), "op-1", "e" + i)).toList();

    List<LifecycleEvent> stored = join(s.appendEvents(given));

    assertThat(stored)
        .extracting(LifecycleEvent::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
    for (int i = 0; i < 20; i++) {
      assertThat(stored.get(i)).isEqualTo(given.get(i).withSeq(i + 1));
    }
    assertThat(join(s.events(EventQuery.all()))).isEqualTo(stored);
    assertThat(join(s.events(EventQuery.cluster("c1").after(10).limit(3))))
        .extracting(LifecycleEvent::seq)
        .containsExactly(12L, 14L, 16L);
  }

  @Test
  void appendsThroughOneStore_landInTheOrderTheyWereCalled() {
    EtcdClusterStore s = store(128);
    List<CompletableFuture<List<LifecycleEvent>>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(
          s.appendEvents(List.of(event("c1", "op-1", i + "a"), event("c2", "op-2", i + "b")))
              .toCompletableFuture());
    }
    long last = 0;
    for (CompletableFuture<List<LifecycleEvent>> c : calls) {
      for (LifecycleEvent e : c.join()) {
        assertThat(e.seq()).isGreaterThan(last);
        last = e.seq();
      }
    }
  }

  @Test
  void reads_page_throughLongLogs_andFilterByOperation_untilTheLimitIsReached() {
    EtcdClusterStore s = store(128);
    List<LifecycleEvent> given = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      given.add(event("c" + (i % 3), i % 10 == 9 ? "rare" : "common", "e" + i));
    }
    List<LifecycleEvent> stored = join(s.appendEvents(given));

    assertThat(join(s.events(EventQuery.all().limit(EventQuery.MAX_LIMIT)))).isEqualTo(stored);
    assertThat(join(s.events(EventQuery.all().after(100).limit(450))))
        .isEqualTo(stored.subList(100, 550));
    List<LifecycleEvent> rare =
        stored.stream().filter(e -> e.operation().orElseThrow().equals("rare")).toList();
    assertThat(join(s.events(EventQuery.all().operation("rare").limit(80))))
        .isEqualTo(rare.subList(0, 80));
    List<LifecycleEvent> rareOfC0 =
        rare.stream().filter(e -> e.cluster().orElseThrow().equals("c0")).toList();
    assertThat(join(s.events(EventQuery.cluster("c0").operation("rare").limit(25))))
        .isEqualTo(rareOfC0.subList(0, 25));
    assertThat(join(s.events(EventQuery.cluster("c0").operation("rare")))).isEqualTo(rareOfC0);
    assertThat(join(s.events(EventQuery.cluster("c1").after(stored.get(898).seq())))).isEmpty();
  }

  @Test
  void purge_dropsTheClustersEventsAndIndex_byRuns_andKeepsTheOthers() {
    EtcdClusterStore s = store(8);
    Client raw = raw();
    List<LifecycleEvent> given = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      given.add(event(i % 7 < 4 ? "gone/1" : "kept", "op", "e" + i));
    }
    List<LifecycleEvent> stored = join(s.appendEvents(given));

    join(s.delete("gone/1"));

    List<LifecycleEvent> kept =
        stored.stream().filter(e -> e.cluster().orElseThrow().equals("kept")).toList();
    assertThat(join(s.events(EventQuery.all()))).isEqualTo(kept);
    assertThat(keysUnder(raw, prefix + "/events/")).hasSize(kept.size());
    assertThat(keysUnder(raw, prefix + "/event-clusters/")).allMatch(k -> k.startsWith("kept/"));
    assertThat(join(s.events(EventQuery.cluster("gone/1")))).isEmpty();

    LifecycleEvent next = join(s.appendEvents(List.of(event("gone/1", "op", "back")))).get(0);
    assertThat(next.seq()).isEqualTo(31);
    assertThat(join(s.events(EventQuery.cluster("gone/1")))).containsExactly(next);
  }

  @Test
  void anEventTooLargeForATransaction_isRefused_andNothingIsStored() {
    EtcdClusterStore s = store(128);
    LifecycleEvent huge = event("c1", "op", "x".repeat(1024 * 1024 + 1));
    assertThatThrownBy(() -> join(s.appendEvents(List.of(event("c1", "op", "small"), huge))))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("events[1]");
    assertThat(join(s.events(EventQuery.all()))).isEmpty();
    List<LifecycleEvent> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> join(s.appendEvents(withNull)))
        .hasCauseInstanceOf(NullPointerException.class);
    assertThat(join(s.appendEvents(List.of()))).isEmpty();
  }
}
