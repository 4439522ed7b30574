package io.clusterlifecycle.spi.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.testsupport.EtcdServer;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.options.GetOption;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link EtcdClusterStore#write(StoreBatch)} is one etcd transaction: every key a batch writes has
 * the revision of that transaction, a conflicting batch leaves every key as it was, and a batch
 * that loses the race for a journal counter goes again and keeps the journal whole and in order.
 * The store's client is wrapped to count the transactions that compare, and to let another engine
 * append just before one commits.
 */
class EtcdBatchWriteTest {
  private static final Instant T0 = Instant.parse("2026-11-22T02:39:11.123Z");
  private static EtcdServer etcd;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final String prefix = "/b-" + UUID.randomUUID();

  /** Commits of transactions with compares made through {@link #watched()}. */
  private final AtomicInteger conditionalCommits = new AtomicInteger();

  /** Runs once, before the next commit of a transaction with compares. */
  private final AtomicReference<Runnable> beforeConditionalCommit = new AtomicReference<>();

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
    return open(EtcdClusterStore.builder().endpoints(EtcdEndpoints.parse(etcd.url())));
  }

  /** A store whose transactions this test counts and may act before. */
  private EtcdClusterStore watched() {
    return open(EtcdClusterStore.builder().client(watching(raw())));
  }

  private EtcdClusterStore open(EtcdClusterStore.Builder b) {
    EtcdClusterStore s = b.prefix(prefix).requestTimeout(Duration.ofSeconds(5)).build();
    opened.add(s);
    return s;
  }

  private Client raw() {
    Client c = EtcdEndpoints.parse(etcd.url()).connect();
    opened.add(c);
    return c;
  }

  // ------------------------------------------------------------------------------ the checks

  @Test
  void aBatch_isOneTransaction_everyKeyItWritesHasItsRevision() {
    EtcdClusterStore s = watched();
    Cluster c = cluster("c1", "demo");
    List<JournalEntry> journal =
        List.of(entry("op-1", "s1"), entry("op-1", "s2"), entry("op-2", "s1"));

    Optional<Cluster> stored =
        join(
            s.write(
                new StoreBatch(
                    Optional.of(c),
                    List.of(operation("op-1", "c1"), operation("op-2", "c1")),
                    journal)));

    assertThat(stored).contains(c.withVersion(1));
    assertThat(conditionalCommits).hasValue(1);
    Map<String, KeyValue> keys = keys(raw());
    assertThat(keys.keySet())
        .containsExactlyInAnyOrder(
            "clusters/c1",
            "names/demo/c1",
            "operations/c1/op-1",
            "operations/c1/op-2",
            "operation-clusters/op-1",
            "operation-clusters/op-2",
            "journal/op-1/0000000000000001",
            "journal/op-2/0000000000000001",
            "journal-seq/op-1",
            "journal-seq/op-2");
    assertThat(keys.values().stream().map(KeyValue::getModRevision).distinct())
        .as("the keys of a batch are written by one transaction")
        .hasSize(1);
    assertThat(keys.get("clusters/c1").getVersion()).isEqualTo(1);
    assertThat(value(keys.get("journal-seq/op-1"))).isEqualTo("1");
    assertThat(join(store().journal("op-1"))).containsExactly(journal.get(0), journal.get(1));
  }

  @Test
  void aBatchWhoseClusterConflicts_writesNoKey_andMovesNoCounter_inOneTransaction() {
    EtcdClusterStore s = watched();
    Cluster v1 = join(s.put(cluster("c1", "demo")));
    Cluster v2 = join(s.put(v1.toBuilder().addHistory("op-0").build()));
    join(s.appendJournal(List.of(entry("op-9", "s0"))));
    Map<String, KeyValue> before = keys(raw());
    int commitsBefore = conditionalCommits.get();

    assertThatThrownBy(
            () ->
                join(
                    s.write(
                        new StoreBatch(
                            Optional.of(v1.toBuilder().addHistory("op-9").build()),
                            List.of(operation("op-9", "c1")),
                            List.of(entry("op-9", "s1"))))))
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 1, found 2");

    assertThat(conditionalCommits.get() - commitsBefore)
        .as("a conflict is known from the batch's one transaction, not retried")
        .isEqualTo(1);
    Map<String, KeyValue> after = keys(raw());
    assertThat(revisions(after))
        .as("no key of the batch written, no counter moved")
        .isEqualTo(revisions(before));
    assertThat(after).doesNotContainKeys("operations/c1/op-9", "operation-clusters/op-9");
    assertThat(after.keySet().stream().filter(k -> k.startsWith("journal/op-9/")))
        .containsExactly("journal/op-9/0000000000000001");
    assertThat(value(after.get("journal-seq/op-9"))).isEqualTo("1");
    assertThat(join(store().get("c1"))).contains(v2);
  }

  @Test
  void aBatchWhoseJournalCounterMoved_goesAgain_andKeepsTheJournalWholeAndInOrder() {
    EtcdClusterStore s = watched();
    EtcdClusterStore other = store();
    JournalEntry first = entry("op-1", "s0");
    JournalEntry between = entry("op-1", "other");
    join(other.appendJournal(List.of(first)));
    // another engine appends after the batch read the counter and before its transaction commits
    beforeConditionalCommit.set(() -> join(other.appendJournal(List.of(between))));
    List<JournalEntry> mine = List.of(entry("op-1", "s1"), entry("op-1", "s2"));

    Optional<Cluster> stored =
        join(
            s.write(
                new StoreBatch(
                    Optional.of(cluster("c1", "demo")), List.of(operation("op-1", "c1")), mine)));

    assertThat(beforeConditionalCommit).hasValue(null);
    assertThat(conditionalCommits)
        .as("the batch lost the counter's compare, and went again")
        .hasValue(2);
    assertThat(stored.orElseThrow().version()).isEqualTo(1);
    assertThat(join(store().journal("op-1")))
        .containsExactly(first, between, mine.get(0), mine.get(1));
    Map<String, KeyValue> keys = keys(raw());
    assertThat(keys.keySet().stream().filter(k -> k.startsWith("journal/op-1/")))
        .containsExactly(
            "journal/op-1/0000000000000001",
            "journal/op-1/0000000000000002",
            "journal/op-1/0000000000000003");
    assertThat(value(keys.get("journal-seq/op-1"))).isEqualTo("3");
    assertThat(keys.get("clusters/c1").getVersion()).isEqualTo(1);
    assertThat(keys.get("clusters/c1").getModRevision())
        .isEqualTo(keys.get("journal/op-1/0000000000000003").getModRevision())
        .isEqualTo(keys.get("operations/c1/op-1").getModRevision());
  }

  @Test
  void batchesAndAppends_fromTwoEnginesAtOnce_loseNoEntry_andLeaveNoGapInTheSequence() {
    EtcdClusterStore a = store();
    EtcdClusterStore b = store();
    int n = 30;
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(
          a.write(
                  new StoreBatch(
                      Optional.empty(),
                      List.of(operation("op", "c1")),
                      List.of(entry("op", "a" + i))))
              .toCompletableFuture());
      all.add(b.appendJournal(List.of(entry("op", "b" + i))).toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();

    List<String> steps = join(b.journal("op")).stream().map(JournalEntry::stepId).toList();
    assertThat(steps).hasSize(2 * n).doesNotHaveDuplicates();
    assertThat(steps.stream().filter(x -> x.startsWith("a")).toList())
        .containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "a" + i).toList());
    assertThat(steps.stream().filter(x -> x.startsWith("b")).toList())
        .containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "b" + i).toList());
    Map<String, KeyValue> keys = keys(raw());
    assertThat(keys.keySet().stream().filter(k -> k.startsWith("journal/op/")))
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 2 * n)
                .mapToObj(i -> "journal/op/" + String.format("%016d", i))
                .toList());
    assertThat(value(keys.get("journal-seq/op"))).isEqualTo(Integer.toString(2 * n));
  }

  @Test
  void aBatchOfARenamedCluster_movesItsNameKey_inTheSameTransaction() {
    EtcdClusterStore s = watched();
    Cluster v1 = join(s.put(cluster("c1", "alpha")));
    Cluster renamed =
        Cluster.builder("c1", "beta", v1.spec(), v1.createdAt()).version(v1.version()).build();

    Optional<Cluster> stored =
        join(
            s.write(
                new StoreBatch(
                    Optional.of(renamed),
                    List.of(operation("op-1", "c1")),
                    List.of(entry("op-1", "s1")))));

    assertThat(stored).contains(renamed.withVersion(2));
    Map<String, KeyValue> keys = keys(raw());
    assertThat(keys.keySet().stream().filter(k -> k.startsWith("names/")))
        .containsExactly("names/beta/c1");
    assertThat(keys.get("names/beta/c1").getModRevision())
        .isEqualTo(keys.get("clusters/c1").getModRevision())
        .isEqualTo(keys.get("journal-seq/op-1").getModRevision());
    assertThat(join(s.named("alpha"))).isEmpty();
    assertThat(join(s.named("beta"))).containsExactly(renamed.withVersion(2));
  }

  @Test
  void aBatchThatClaimsOrReleasesItsCluster_writesOrDeletesTheBusyKey_inTheSameTransaction() {
    EtcdClusterStore s = watched();
    Cluster claimed = cluster("c1", "demo").toBuilder().operation("op-1").build();

    Cluster stored =
        join(s.write(
                new StoreBatch(
                    Optional.of(claimed),
                    List.of(operation("op-1", "c1")),
                    List.of(entry("op-1", "s1")))))
            .orElseThrow();

    Map<String, KeyValue> keys = keys(raw());
    assertThat(keys.get("busy/c1").getModRevision())
        .isEqualTo(keys.get("clusters/c1").getModRevision())
        .isEqualTo(keys.get("journal-seq/op-1").getModRevision());
    assertThat(join(s.busy())).containsExactly(stored);

    Cluster released = stored.toBuilder().operation(Optional.empty()).build();
    join(
        s.write(
            new StoreBatch(
                Optional.of(released),
                List.of(operation("op-1", "c1")),
                List.of(entry("op-1", "s2")))));

    keys = keys(raw());
    long releasedAt = keys.get("clusters/c1").getModRevision();
    assertThat(keys.get("journal-seq/op-1").getModRevision()).isEqualTo(releasedAt);
    assertThat(keys).doesNotContainKey("busy/c1");
    assertThat(exists(raw(), "busy/c1", releasedAt - 1))
        .as("the busy key is deleted by the batch's transaction, not before")
        .isTrue();
    assertThat(join(s.busy())).isEmpty();
  }

  @Test
  void aBatchLargerThanOneTransaction_failsTheStage_namingTheLimit_andWritesNothing() {
    EtcdClusterStore s = open(EtcdClusterStore.builder().client(watching(raw())).maxTxnOps(8));
    StoreBatch batch =
        new StoreBatch(
            Optional.of(cluster("c1", "demo")),
            List.of(operation("op-1", "c1"), operation("op-2", "c1"), operation("op-3", "c1")),
            List.of(entry("op-1", "s1")));

    CompletableFuture<Optional<Cluster>> stage = s.write(batch).toCompletableFuture();

    assertThatThrownBy(stage::join)
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large for one etcd transaction")
        .hasMessageContaining("maxTxnOps=8");
    assertThat(conditionalCommits).hasValue(0);
    assertThat(keys(raw())).isEmpty();
  }

  // ------------------------------------------------------------------------------- records

  private static Cluster cluster(String id, String name) {
    AppSpec spec =
        AppSpec.builder("kv", "1")
            .role("db", r -> r.count(1).service(StandardService.START, s -> s.cmd("true")))
            .build();
    return Cluster.builder(id, name, spec, T0).state(ClusterState.UPDATING).updatedAt(T0).build();
  }

  private static Operation operation(String id, String clusterId) {
    return Operation.builder()
        .id(id)
        .clusterId(clusterId)
        .type(OperationType.ADD_NODES)
        .state(OperationState.RUNNING)
        .startedFrom(ClusterState.RUNNING)
        .plan(new Plan(clusterId, "demo", OperationType.ADD_NODES, List.of()))
        .createdAt(T0)
        .build();
  }

  private static JournalEntry entry(String operationId, String stepId) {
    return JournalEntry.builder()
        .operationId(operationId)
        .stepId(stepId)
        .status(JournalEntry.Status.STARTED)
        .at(T0)
        .detail("")
        .build();
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  // ------------------------------------------------------------------------------ raw etcd

  /** Every key under the test's prefix, without it, in key order. */
  private Map<String, KeyValue> keys(Client raw) {
    String dir = prefix + "/";
    Map<String, KeyValue> out = new LinkedHashMap<>();
    raw.getKVClient()
        .get(
            EtcdCalls.bytes(dir),
            GetOption.builder().withRange(EtcdCalls.bytes(EtcdCalls.prefixEnd(dir))).build())
        .join()
        .getKvs()
        .forEach(kv -> out.put(EtcdCalls.string(kv.getKey()).substring(dir.length()), kv));
    return out;
  }

  /** Tells whether a key under the test's prefix existed at {@code revision}. */
  private boolean exists(Client raw, String key, long revision) {
    return raw.getKVClient()
            .get(
                EtcdCalls.bytes(prefix + "/" + key),
                GetOption.builder().withRevision(revision).build())
            .join()
            .getCount()
        > 0;
  }

  private static Map<String, List<Long>> revisions(Map<String, KeyValue> keys) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    keys.forEach((k, kv) -> out.put(k, List.of(kv.getVersion(), kv.getModRevision())));
    return out;
  }

  private static String value(KeyValue kv) {
    return EtcdCalls.string(kv.getValue());
  }

  // ------------------------------------------------------------------------- watched client

  /** {@code client}, whose transactions with compares are counted and may be preceded. */
  private Client watching(Client client) {
    return proxy(
        Client.class,
        (p, m, args) -> {
          Object r = call(client, m, args);
          return m.getName().equals("getKVClient") ? watching((KV) r) : r;
        });
  }

  private KV watching(KV kv) {
    return proxy(
        KV.class,
        (p, m, args) -> {
          Object r = call(kv, m, args);
          return m.getName().equals("txn") ? watching((Txn) r) : r;
        });
  }

  private Txn watching(Txn txn) {
    boolean[] compares = {false};
    return proxy(
        Txn.class,
        (p, m, args) -> {
          switch (m.getName()) {
            case "If" -> compares[0] |= ((Cmp[]) args[0]).length > 0;
            case "commit" -> {
              if (compares[0]) {
                conditionalCommits.incrementAndGet();
                Runnable before = beforeConditionalCommit.getAndSet(null);
                if (before != null) {
                  before.run();
                }
              }
            }
            default -> {}
          }
          Object r = call(txn, m, args);
          return r == txn ? p : r;
        });
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            EtcdBatchWriteTest.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
