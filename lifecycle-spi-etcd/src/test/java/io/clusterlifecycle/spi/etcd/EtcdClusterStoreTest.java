package io.clusterlifecycle.spi.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.codec.RecordCodec;
import io.clusterlifecycle.testsupport.EtcdServer;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the etcd cluster store adds to the SPI contract: operation leases judged by etcd leases,
 * compare-and-set on etcd key versions, journal appends from several engines, a name index and a
 * busy index kept with the records and built for the records of an older release.
 */
class EtcdClusterStoreTest {
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

  private EtcdClusterStore store() {
    return store(null);
  }

  private EtcdClusterStore store(Client client) {
    EtcdClusterStore.Builder b =
        EtcdClusterStore.builder().prefix(prefix).requestTimeout(Duration.ofSeconds(3));
    EtcdClusterStore s =
        client == null
            ? b.endpoints(EtcdEndpoints.parse(etcd.url())).build()
            : b.client(client).build();
    opened.add(s);
    return s;
  }

  private static Cluster cluster(String id, Optional<Lease> lease) {
    return cluster(id, id, lease);
  }

  private static Cluster cluster(String id, String name, Optional<Lease> lease) {
    AppSpec spec =
        AppSpec.builder("kv", "1")
            .role("db", r -> r.count(1).service(StandardService.START, s -> s.cmd("true")))
            .build();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return Cluster.builder(id, name, spec, now)
        .state(ClusterState.UPDATING)
        .operation("op-1")
        .lease(lease)
        .updatedAt(now)
        .build();
  }

  private static Lease lease(String owner, Duration left) {
    return new Lease(
        owner, "some-other-host", 1, Instant.now().plus(left).truncatedTo(ChronoUnit.MILLIS));
  }

  /** A client of its own on the test's etcd, to read and write keys as an older release did. */
  private Client raw() {
    Client c = EtcdEndpoints.parse(etcd.url()).connect();
    opened.add(c);
    return c;
  }

  private static List<String> keysUnder(Client raw, String dir) {
    return raw
        .getKVClient()
        .get(
            EtcdCalls.bytes(dir),
            GetOption.builder().withRange(EtcdCalls.bytes(EtcdCalls.prefixEnd(dir))).build())
        .join()
        .getKvs()
        .stream()
        .map(kv -> EtcdCalls.string(kv.getKey()).substring(dir.length()))
        .toList();
  }

  /** A key as of {@code revision} (0: now), or null when it did not exist then. */
  private static KeyValue at(Client raw, String key, long revision) {
    List<KeyValue> kvs =
        raw.getKVClient()
            .get(EtcdCalls.bytes(key), GetOption.builder().withRevision(revision).build())
            .join()
            .getKvs();
    return kvs.isEmpty() ? null : kvs.get(0);
  }

  /** The revision that deleted {@code key}: the first after {@code since} without it. */
  private static long deletedAt(Client raw, String key, long since) {
    long now = raw.getKVClient().get(EtcdCalls.bytes(key)).join().getHeader().getRevision();
    for (long r = since + 1; r <= now; r++) {
      if (at(raw, key, r) == null) {
        return r;
      }
    }
    throw new AssertionError(key + " was not deleted after revision " + since);
  }

  private static Cluster idle(Cluster c) {
    return c.toBuilder().operation(Optional.empty()).build();
  }

  private static boolean lapsed(Cluster c) {
    return c.lease().orElseThrow().isLapsed(Instant.now(), "this-host");
  }

  @Test
  void aLiveEngine_keepsItsLease_evenPastTheRecordedExpiry_whileItsEtcdLeaseLives()
      throws Exception {
    EtcdClusterStore a = store();
    EtcdClusterStore b = store();
    Cluster written =
        a.put(cluster("c1", Optional.of(lease("engine-a", Duration.ofSeconds(3)))))
            .toCompletableFuture()
            .join();
    assertThat(b.get("c1").toCompletableFuture().join()).contains(written);
    await("engine-a's lease holds past its recorded 3 s expiry")
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !lapsed(b.get("c1").toCompletableFuture().join().orElseThrow()));
    Cluster read = b.get("c1").toCompletableFuture().join().orElseThrow();
    assertThat(lapsed(read)).as("engine-a's etcd lease is kept alive by its store").isFalse();
    assertThat(b.list().toCompletableFuture().join())
        .allSatisfy(c -> assertThat(lapsed(c)).isFalse());
    // but a live process that stopped renewing the record loses it one TTL (3 s) past its
    // expiry: 6 s after the write, observed within 6.5 s as before
    await("engine-a's lease lapses")
        .atMost(Duration.ofMillis(2_500))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lapsed(b.get("c1").toCompletableFuture().join().orElseThrow()));
  }

  @Test
  void aJournalBatchLargerThanEtcdsRequestLimit_isStoredWholeAndInOrder() {
    EtcdClusterStore s = store();
    Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String detail = "é".repeat(1000); // 2000 UTF-8 bytes
    List<JournalEntry> batch = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      batch.add(
          JournalEntry.builder()
              .operationId("op-big")
              .stepId("s" + i)
              .status(JournalEntry.Status.FAILED)
              .at(t)
              .detail(detail)
              .build());
    }
    s.appendJournal(batch).toCompletableFuture().join();
    assertThat(store().journal("op-big").toCompletableFuture().join()).isEqualTo(batch);
  }

  @Test
  void aDeadEngine_losesItsLease_whenItsEtcdLeaseExpires_notBefore() throws Exception {
    Client dying = EtcdEndpoints.parse(etcd.url()).connect();
    EtcdClusterStore a = store(dying);
    EtcdClusterStore b = store();
    a.put(cluster("c1", Optional.of(lease("engine-a", Duration.ofSeconds(8)))))
        .toCompletableFuture()
        .join();
    // engine-a's process dies: its keep-alives stop, nothing revokes its lease
    Instant died = Instant.now();
    dying.close();
    await("1 s after its death, etcd still holds engine-a's lease (TTL 8 s)")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !lapsed(b.get("c1").toCompletableFuture().join().orElseThrow()));
    // the lease was granted for the record's 8 s; the record lapses when etcd expires it
    await("engine-a's lease lapses within 20 s of its death")
        .atMost(Duration.ofSeconds(20).minus(Duration.between(died, Instant.now())))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lapsed(b.get("c1").toCompletableFuture().join().orElseThrow()));
    assertThat(Duration.between(died, Instant.now())).isGreaterThan(Duration.ofSeconds(6));
    assertThat(lapsed(b.list().toCompletableFuture().join().get(0))).isTrue();
  }

  @Test
  void closingAStore_revokesItsLeases_soOthersMayTakeOverAtOnce() {
    EtcdClusterStore a =
        EtcdClusterStore.builder()
            .prefix(prefix)
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .build();
    EtcdClusterStore b = store();
    a.put(cluster("c1", Optional.of(lease("engine-a", Duration.ofSeconds(30)))))
        .toCompletableFuture()
        .join();
    assertThat(lapsed(b.get("c1").toCompletableFuture().join().orElseThrow())).isFalse();
    a.close();
    assertThat(lapsed(b.get("c1").toCompletableFuture().join().orElseThrow())).isTrue();
  }

  @Test
  void named_findsTheRecordsAnOlderReleaseWrote_withoutNameKeys_byIndexingThemOnce() {
    Client raw = raw();
    // an older release wrote records under clusters/ only, with no name index
    Cluster old = cluster("c-old", "legacy", Optional.empty()).withVersion(1);
    List<Cluster> written = new ArrayList<>(List.of(old));
    for (int i = 0; i < 10; i++) {
      written.add(cluster("c-" + i, "legacy-" + i, Optional.empty()).withVersion(1));
    }
    for (Cluster c : written) {
      raw.getKVClient()
          .put(
              EtcdCalls.bytes(prefix + "/clusters/" + c.id()),
              EtcdCalls.bytes(RecordCodec.write(c)))
          .join();
    }
    assertThat(keysUnder(raw, prefix + "/names")).isEmpty();

    // a small transaction limit, so that indexing takes several transactions
    EtcdClusterStore s =
        EtcdClusterStore.builder()
            .prefix(prefix)
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .maxTxnOps(8)
            .build();
    opened.add(s);

    assertThat(s.named("legacy").toCompletableFuture().join()).containsExactly(old);
    assertThat(keysUnder(raw, prefix + "/names/"))
        .containsExactlyInAnyOrderElementsOf(
            written.stream().map(c -> c.name() + "/" + c.id()).toList());
    assertThat(keysUnder(raw, prefix + "/names-indexed")).containsExactly("");
    assertThat(store().named("legacy-7").toCompletableFuture().join())
        .containsExactly(written.get(8));
    // the records stay writable with compare-and-set, and keep their one name key
    Cluster next = s.put(old).toCompletableFuture().join();
    assertThat(next.version()).isEqualTo(2);
    assertThat(s.named("legacy").toCompletableFuture().join()).containsExactly(next);
  }

  @Test
  void aRename_movesTheNameKeyInTheSameWrite_andDelete_removesIt() {
    EtcdClusterStore s = store();
    Client raw = raw();
    Cluster a = s.put(cluster("c1", "alpha", Optional.empty())).toCompletableFuture().join();
    s.put(cluster("c2", "alpha/x y", Optional.empty())).toCompletableFuture().join();
    Cluster renamed =
        s.put(Cluster.builder("c1", "beta", a.spec(), a.createdAt()).version(a.version()).build())
            .toCompletableFuture()
            .join();

    assertThat(s.named("alpha").toCompletableFuture().join()).isEmpty();
    assertThat(s.named("beta").toCompletableFuture().join()).containsExactly(renamed);
    assertThat(s.named("alpha/x y").toCompletableFuture().join())
        .extracting(Cluster::id)
        .containsExactly("c2");
    assertThat(keysUnder(raw, prefix + "/names/"))
        .containsExactlyInAnyOrder("beta/c1", "alpha%2Fx+y/c2");
    assertThatThrownBy(() -> s.put(a).toCompletableFuture().join())
        .hasCauseInstanceOf(VersionConflictException.class);

    s.delete("c1").toCompletableFuture().join();
    s.delete("c2").toCompletableFuture().join();

    assertThat(keysUnder(raw, prefix + "/names/")).isEmpty();
    assertThat(s.named("beta").toCompletableFuture().join()).isEmpty();
  }

  @Test
  void theBusyKey_isWrittenAndDeletedByTheRecordsOwnTransaction_andByDelete() {
    EtcdClusterStore s = store();
    Client raw = raw();
    String record = prefix + "/clusters/c1";
    String busy = prefix + "/busy/c1";

    Cluster claimed = s.put(cluster("c1", Optional.empty())).toCompletableFuture().join();
    long claimedAt = at(raw, record, 0).getModRevision();
    assertThat(at(raw, busy, 0).getModRevision()).isEqualTo(claimedAt);
    assertThat(s.busy().toCompletableFuture().join()).containsExactly(claimed);

    Cluster released = s.put(idle(claimed)).toCompletableFuture().join();
    long releasedAt = at(raw, record, 0).getModRevision();
    assertThat(deletedAt(raw, busy, claimedAt)).isEqualTo(releasedAt);
    assertThat(s.busy().toCompletableFuture().join()).isEmpty();

    Cluster again =
        s.put(released.toBuilder().operation("op-2").build()).toCompletableFuture().join();
    long againAt = at(raw, record, 0).getModRevision();
    assertThat(at(raw, busy, 0).getModRevision()).isEqualTo(againAt);
    assertThat(store().busy().toCompletableFuture().join()).containsExactly(again);

    s.delete("c1").toCompletableFuture().join();
    assertThat(deletedAt(raw, busy, againAt)).isEqualTo(deletedAt(raw, record, againAt));
    assertThat(keysUnder(raw, prefix + "/busy/")).isEmpty();
    assertThat(s.busy().toCompletableFuture().join()).isEmpty();
  }

  @Test
  void busy_leavesOutStaleKeys_ofRecordsGoneOrNoLongerNamingAnOperation() {
    EtcdClusterStore s = store();
    Client raw = raw();
    Cluster busy = s.put(cluster("c1", Optional.empty())).toCompletableFuture().join();
    s.put(idle(cluster("c2", Optional.empty()))).toCompletableFuture().join();
    // keys no write of this release leaves: by an older release, or by hand
    for (String id : List.of("c2", "c-gone")) {
      raw.getKVClient().put(EtcdCalls.bytes(prefix + "/busy/" + id), EtcdCalls.bytes("")).join();
    }

    assertThat(s.busy().toCompletableFuture().join()).containsExactly(busy);
    assertThat(store().busy().toCompletableFuture().join()).containsExactly(busy);
  }

  @Test
  void busy_findsTheRecordsAnOlderReleaseWrote_withoutBusyKeys_byIndexingThemOnce() {
    Client raw = raw();
    // an older release wrote records under clusters/ only, with no busy index
    List<Cluster> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Cluster c = cluster("c-" + i, Optional.empty()).withVersion(1);
      written.add(i % 2 == 0 ? c : idle(c));
    }
    for (Cluster c : written) {
      raw.getKVClient()
          .put(
              EtcdCalls.bytes(prefix + "/clusters/" + c.id()),
              EtcdCalls.bytes(RecordCodec.write(c)))
          .join();
    }
    List<Cluster> busy =
        written.stream()
            .filter(c -> c.operation().isPresent())
            .sorted(Comparator.comparing(Cluster::createdAt).thenComparing(Cluster::id))
            .toList();

    // a small transaction limit, so that indexing takes several transactions
    EtcdClusterStore s =
        EtcdClusterStore.builder()
            .prefix(prefix)
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .maxTxnOps(8)
            .build();
    opened.add(s);

    assertThat(s.busy().toCompletableFuture().join()).containsExactlyElementsOf(busy);
    assertThat(keysUnder(raw, prefix + "/busy/"))
        .containsExactlyInAnyOrderElementsOf(busy.stream().map(Cluster::id).toList());
    assertThat(keysUnder(raw, prefix + "/busy-indexed")).containsExactly("");
    Map<String, Long> indexedAt = busyKeyRevisions(raw);

    // once per data set: after the marker, a record an older release writes gets no key, from
    // this store or another
    Cluster late = cluster("c-late", Optional.empty()).withVersion(1);
    raw.getKVClient()
        .put(
            EtcdCalls.bytes(prefix + "/clusters/" + late.id()),
            EtcdCalls.bytes(RecordCodec.write(late)))
        .join();
    assertThat(store().busy().toCompletableFuture().join()).containsExactlyElementsOf(busy);
    assertThat(s.busy().toCompletableFuture().join()).containsExactlyElementsOf(busy);
    assertThat(busyKeyRevisions(raw)).isEqualTo(indexedAt);

    // until this release writes it
    Cluster next = s.put(late).toCompletableFuture().join();
    assertThat(s.busy().toCompletableFuture().join()).hasSize(busy.size() + 1).contains(next);
  }

  private Map<String, Long> busyKeyRevisions(Client raw) {
    String dir = prefix + "/busy/";
    return raw
        .getKVClient()
        .get(
            EtcdCalls.bytes(dir),
            GetOption.builder().withRange(EtcdCalls.bytes(EtcdCalls.prefixEnd(dir))).build())
        .join()
        .getKvs()
        .stream()
        .collect(Collectors.toMap(kv -> EtcdCalls.string(kv.getKey()), KeyValue::getModRevision));
  }

  @Test
  void compareAndSet_followsTheRecordVersion_acrossDeleteAndCreateAgain() {
    EtcdClusterStore s = store();
    Cluster v1 = s.put(cluster("c1", Optional.empty())).toCompletableFuture().join();
    Cluster v2 = s.put(v1).toCompletableFuture().join();
    assertThat(v2.version()).isEqualTo(2);
    assertThatThrownBy(() -> s.put(v1).toCompletableFuture().join())
        .hasCauseInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 1, found 2");
    s.delete("c1").toCompletableFuture().join();
    assertThat(s.put(cluster("c1", Optional.empty())).toCompletableFuture().join().version())
        .isEqualTo(1);
  }

  @Test
  void journalAppends_fromTwoEnginesAtOnce_loseNoBatch_andKeepEachEnginesOrder() {
    EtcdClusterStore a = store();
    EtcdClusterStore b = store();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    for (int i = 0; i < 50; i++) {
      all.add(
          a.appendJournal(
                  List.of(
                      JournalEntry.builder()
                          .operationId("op")
                          .stepId("a" + i)
                          .status(JournalEntry.Status.STARTED)
                          .at(t)
                          .detail("")
                          .build()))
              .toCompletableFuture());
      all.add(
          b.appendJournal(
                  List.of(
                      JournalEntry.builder()
                          .operationId("op")
                          .stepId("b" + i)
                          .status(JournalEntry.Status.STARTED)
                          .at(t)
                          .detail("")
                          .build()))
              .toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    List<String> steps =
        a.journal("op").toCompletableFuture().join().stream().map(JournalEntry::stepId).toList();
    assertThat(steps).hasSize(100);
    assertThat(
            steps.stream()
                .filter(x -> x.startsWith("a"))
                .map(x -> x.substring(1))
                .map(Integer::parseInt)
                .toList())
        .isSorted()
        .hasSize(50);
  }

  @Test
  void etcdDown_failsCallsAsTransient_withinTheRequestTimeout() throws Exception {
    EtcdClusterStore s = store();
    s.put(cluster("c1", Optional.empty())).toCompletableFuture().join();
    etcd.kill();
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> s.get("c1").toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(TransientSpiException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    } finally {
      etcd.restart();
    }
    assertThat(AfterOutage.join(() -> s.get("c1"))).isPresent();
  }
}
