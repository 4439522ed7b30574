package io.clusterlifecycle.spi.jdbc;

import static io.clusterlifecycle.spi.jdbc.Records.T0;
import static io.clusterlifecycle.spi.jdbc.Records.await;
import static io.clusterlifecycle.spi.jdbc.Records.backup;
import static io.clusterlifecycle.spi.jdbc.Records.cluster;
import static io.clusterlifecycle.spi.jdbc.Records.entry;
import static io.clusterlifecycle.spi.jdbc.Records.failure;
import static io.clusterlifecycle.spi.jdbc.Records.operation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.JournalEntry.Status;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link JdbcClusterStore} promises beyond the {@link
 * io.clusterlifecycle.api.spi.ClusterStore} contract, run against each database: times, ties broken
 * by id, precise failures, schema creation and migration, processes sharing a database. A subclass
 * supplies a fresh database per test. The SPI contract itself is checked by the testkit's {@link
 * io.clusterlifecycle.testkit.compat.ClusterStoreCompatibilityKit}, which {@link
 * JdbcClusterStoreSqliteCompatibilityTest} and {@link JdbcClusterStorePostgresCompatibilityIT} run.
 */
abstract class ClusterStoreContract {
  /** Updates each of the two processes makes in the two-process test. */
  static final int PROCESS_UPDATES = 100;

  @TempDir Path work;

  /** The store of the test, on a fresh database. */
  JdbcClusterStore store;

  private final List<JdbcClusterStore> opened = new ArrayList<>();

  /** Prepares a new, empty database for one test. */
  abstract void newDatabase() throws Exception;

  /** A builder for a store on the test's database. */
  abstract JdbcClusterStore.Builder builder();

  /** A plain JDBC connection to the test's database. */
  abstract Connection connect() throws SQLException;

  /** The arguments that tell {@link CasLoopMain} where the test's database is. */
  abstract List<String> childTarget();

  /**
   * Holds the clusters table's write lock from a connection of its own until closed: the store's
   * writes wait for it (SQLite under its busy timeout, PostgreSQL on the table lock), reads do not.
   */
  AutoCloseable holdWrites() throws SQLException {
    Connection c = connect();
    try {
      if (c.getMetaData().getDatabaseProductName().equalsIgnoreCase("SQLite")) {
        try (Statement st = c.createStatement()) {
          st.execute("BEGIN IMMEDIATE");
        }
        return () -> {
          try (c;
              Statement st = c.createStatement()) {
            st.execute("COMMIT");
          }
        };
      }
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("LOCK TABLE clusters IN EXCLUSIVE MODE");
      }
      return () -> {
        try (c) {
          c.commit();
        }
      };
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  @BeforeEach
  void openStore() throws Exception {
    newDatabase();
    store = open();
  }

  @AfterEach
  void closeStores() {
    opened.forEach(JdbcClusterStore::close);
  }

  /** Opens another store on the test's database, closed after the test. */
  JdbcClusterStore open() {
    return track(builder().build());
  }

  JdbcClusterStore track(JdbcClusterStore s) {
    opened.add(s);
    return s;
  }

  // ------------------------------------------------------- times (beyond the SPI contract)

  @Test
  void put_returnsTheRecordAsItIsReadBack_withMillisecondTimes() {
    Cluster written = cluster("c1", "demo", T0.plusNanos(456_789));

    Cluster stored = await(store.put(written));

    assertThat(stored.createdAt()).isEqualTo(T0);
    assertThat(await(store.get("c1"))).contains(stored);
  }

  @Test
  void backups_keepMillisecondTimes() {
    await(store.putBackup(backup("b-1", "c1", T0.plusNanos(456_789))));

    assertThat(await(store.getBackup("b-1")).orElseThrow().createdAt()).isEqualTo(T0);
  }

  @Test
  void journal_keepsTimesExactly_belowTheMillisecond() {
    List<JournalEntry> entries =
        List.of(
            entry("op-1", "s1", Status.SUCCEEDED, T0.plusNanos(1_500_001)),
            entry("op-1", "s2", Status.SUCCEEDED, T0.plusNanos(7)));

    await(store.appendJournal(entries));
    store.close();

    assertThat(await(open().journal("op-1"))).containsExactlyElementsOf(entries);
  }

  // ---------------------------------------------- ties in creation time (beyond the SPI)

  @Test
  void list_isByCreationTime_thenById() {
    await(store.put(cluster("c-b", "second", T0.plusSeconds(10))));
    await(store.put(cluster("c-a", "last", T0.plusSeconds(20))));
    await(store.put(cluster("c-c", "third", T0.plusSeconds(10))));
    await(store.put(cluster("C-z", "first-of-ties", T0.plusSeconds(10))));
    await(store.put(cluster("c-0", "first", T0)));

    assertThat(await(store.list()))
        .extracting(Cluster::id)
        .containsExactly("c-0", "C-z", "c-b", "c-c", "c-a");
  }

  @Test
  void operations_areOldestFirst_thenById() {
    Operation later = operation("op-2", "c1", T0.plusSeconds(60));
    Operation first = operation("op-1", "c1", T0);
    Operation sameTime = operation("op-0", "c1", T0.plusSeconds(60));
    Operation upper = operation("OP-9", "c1", T0.plusSeconds(60));
    for (Operation op : List.of(later, first, sameTime, upper)) {
      await(store.putOperation(op));
    }

    assertThat(await(store.operations("c1"))).containsExactly(first, upper, sameTime, later);
  }

  @Test
  void backups_areOldestFirst_thenById() {
    Backup late = backup("b-late", "c1", T0.plusSeconds(20));
    Backup tieB = backup("b-tie-b", "c1", T0.plusSeconds(10));
    Backup tieA = backup("b-tie-a", "c1", T0.plusSeconds(10));
    Backup tieUpper = backup("B-tie", "c1", T0.plusSeconds(10));
    Backup early = backup("b-early", "c1", T0);
    for (Backup b : List.of(late, tieB, tieA, tieUpper, early)) {
      await(store.putBackup(b));
    }

    assertThat(await(store.backups("c1"))).containsExactly(early, tieUpper, tieA, tieB, late);
  }

  // ---------------------------------------------------------------- failures, precisely

  @Test
  void closedStore_failsWithALifecycleException_sayingToOpenItAgain() {
    store.close();

    assertThat(failure(store.get("c1")))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("is closed; open it again");
    assertThat(failure(store.appendJournal(List.of(entry("op", "s", Status.STARTED, T0)))))
        .isInstanceOf(LifecycleException.class);
  }

  @Test
  void nullArguments_failTheStage_withNullPointerException() {
    assertThat(failure(store.get(null))).isInstanceOf(NullPointerException.class);
    assertThat(failure(store.put(null))).isInstanceOf(NullPointerException.class);
    List<JournalEntry> withNull = new ArrayList<>();
    withNull.add(null);
    assertThat(failure(store.appendJournal(withNull))).isInstanceOf(NullPointerException.class);
    assertThat(failure(store.putBackup(null))).isInstanceOf(NullPointerException.class);
    assertThat(failure(store.getBackup(null))).isInstanceOf(NullPointerException.class);
    assertThat(failure(store.backups(null))).isInstanceOf(NullPointerException.class);
  }

  // ------------------------------------------------------------------------------ schema

  @Test
  void databaseOfThePreviousSchema_isMigratedAtOpen_keepingItsRecords() throws SQLException {
    Cluster c = await(store.put(cluster("c1", "demo", T0).toBuilder().operation("").build()));
    Cluster busy =
        await(
            store.put(
                cluster("c2", "web", T0.plusSeconds(1)).toBuilder().operation("op-7").build()));
    store.close();
    // what an old release (schema version 1: no backups table, no name index, no operation
    // column, no event log) left behind
    try (Connection conn = connect();
        Statement s = conn.createStatement()) {
      s.execute("DROP TABLE events");
      s.execute("DROP TABLE event_sequence");
      s.execute("DROP TABLE backups");
      s.execute("DROP INDEX clusters_by_name");
      s.execute("DROP INDEX clusters_busy");
      s.execute("ALTER TABLE clusters DROP COLUMN operation");
      s.executeUpdate("DELETE FROM lifecycle_schema WHERE version > 1");
    }

    JdbcClusterStore again = open();
    Backup b = backup("b-1", "c1", T0);
    await(again.putBackup(b));

    assertThat(await(again.get("c1"))).contains(c);
    assertThat(await(again.backups("c1"))).containsExactly(b);
    assertThat(await(again.named("demo"))).containsExactly(c);
    assertThat(await(again.busy()))
        .as("the migration fills the operation column from the records")
        .containsExactly(busy);
    try (Connection conn = connect();
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM lifecycle_schema ORDER BY version")) {
      List<Integer> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
      assertThat(versions).containsExactly(1, 2, 3, 4, 5);
    }
  }

  @Test
  void databaseOfSchemaVersion4_getsTheEventLogAtOpen_keepingItsRecords() throws SQLException {
    Cluster c = await(store.put(cluster("c1", "demo", T0)));
    Operation op = operation("op-1", "c1", T0);
    await(store.putOperation(op));
    JournalEntry entry = entry("op-1", "s1", Status.SUCCEEDED, T0.plusNanos(7));
    await(store.appendJournal(List.of(entry)));
    Backup b = backup("b-1", "c1", T0);
    await(store.putBackup(b));
    store.close();
    // what the release before the event log (schema version 4) left behind
    try (Connection conn = connect();
        Statement s = conn.createStatement()) {
      s.execute("DROP TABLE events");
      s.execute("DROP TABLE event_sequence");
      s.executeUpdate("DELETE FROM lifecycle_schema WHERE version > 4");
    }

    JdbcClusterStore again = open();

    assertThat(await(again.get("c1"))).contains(c);
    assertThat(await(again.named("demo"))).containsExactly(c);
    assertThat(await(again.busy())).containsExactly(c);
    assertThat(await(again.getOperation("op-1"))).contains(op);
    assertThat(await(again.journal("op-1"))).containsExactly(entry);
    assertThat(await(again.backups("c1"))).containsExactly(b);
    assertThat(await(again.events(EventQuery.all()))).isEmpty();
    List<LifecycleEvent> given =
        List.of(event("c1", "op-1", EventType.STAGE_STARTED), event("c1", "op-1", null));
    List<LifecycleEvent> stored = await(again.appendEvents(given));
    assertThat(stored).extracting(LifecycleEvent::seq).containsExactly(1L, 2L);
    assertThat(await(again.events(EventQuery.cluster("c1")))).isEqualTo(stored);
    try (Connection conn = connect();
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM lifecycle_schema ORDER BY version")) {
      List<Integer> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
      assertThat(versions).containsExactly(1, 2, 3, 4, 5);
    }
  }

  @Test
  void schemaVersion_isRecorded_once() throws SQLException {
    open().close();

    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, description, applied_at FROM lifecycle_schema ORDER BY version")) {
      List<Integer> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getInt(1));
        assertThat(rs.getString(2)).isNotBlank();
        assertThat(rs.getString(3)).endsWith("Z");
      }
      assertThat(versions)
          .containsExactlyElementsOf(
              IntStream.rangeClosed(1, JdbcClusterStore.SCHEMA_VERSION).boxed().toList());
    }
  }

  @Test
  void concurrentOpens_ofANewDatabase_createTheSchemaOnce() throws Exception {
    newDatabase();
    int stores = 6;
    CyclicBarrier start = new CyclicBarrier(stores);
    ExecutorService pool = Executors.newFixedThreadPool(stores);
    try {
      List<Future<JdbcClusterStore>> opening = new ArrayList<>();
      for (int i = 0; i < stores; i++) {
        opening.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return track(builder().build());
                }));
      }
      for (Future<JdbcClusterStore> f : opening) {
        await(f.get(60, TimeUnit.SECONDS).put(cluster("c-" + opening.indexOf(f), "d", T0)));
      }
    } finally {
      pool.shutdownNow();
    }

    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM lifecycle_schema")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(JdbcClusterStore.SCHEMA_VERSION);
      assertThat(rs.getInt(2)).isEqualTo(JdbcClusterStore.SCHEMA_VERSION);
    }
    assertThat(await(open().list())).hasSize(stores);
  }

  @Test
  void newerSchema_isRefusedAtOpen_withAClearMessage() throws SQLException {
    store.close();
    int newer = JdbcClusterStore.SCHEMA_VERSION + 1;
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO lifecycle_schema (version, description, applied_at)"
              + " VALUES ("
              + newer
              + ", 'from the future', '2030-01-01T00:00:00.000Z')");
    }

    assertThatThrownBy(this::open)
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining(
            "has schema version "
                + newer
                + ", newer than version "
                + JdbcClusterStore.SCHEMA_VERSION)
        .hasMessageContaining("upgrade the library");
  }

  // -------------------------------------------------------------------------- event log

  @Test
  void events_keepTheirTimeExactly_andEmptyFieldsStayEmpty() {
    LifecycleEvent sparse =
        LifecycleEvent.builder(EventType.STATE_CHANGED)
            .cluster("c1")
            .build(0, T0.plusNanos(1_500_001));
    LifecycleEvent full = event("c1", "op-1", EventType.STAGE_STARTED);

    List<LifecycleEvent> stored = await(store.appendEvents(List.of(sparse, full)));
    store.close();

    assertThat(stored.get(0)).isEqualTo(sparse.withSeq(stored.get(0).seq()));
    assertThat(stored.get(1)).isEqualTo(full.withSeq(stored.get(1).seq()));
    assertThat(await(open().events(EventQuery.all()))).isEqualTo(stored);
  }

  @Test
  void events_ofAClusterAndAnOperation_areSelectedByBoth() {
    List<LifecycleEvent> stored =
        await(
            store.appendEvents(
                List.of(
                    event("c1", "op-1", null),
                    event("c1", "op-2", null),
                    event("c2", "op-1", null),
                    event("c1", null, null),
                    event("c1", "op-1", EventType.STAGE_STARTED))));

    assertThat(await(store.events(EventQuery.cluster("c1").operation("op-1"))))
        .containsExactly(stored.get(0), stored.get(4));
    assertThat(await(store.events(EventQuery.all().operation("op-1").after(stored.get(0).seq()))))
        .containsExactly(stored.get(2), stored.get(4));
    assertThat(await(store.events(EventQuery.cluster("c1").limit(2))))
        .containsExactly(stored.get(0), stored.get(1));
    assertThat(await(store.appendEvents(List.of()))).isEmpty();
  }

  @Test
  void anEventWithAnEmptyClusterId_isRefused_andNothingIsStored() {
    LifecycleEvent blank = LifecycleEvent.builder(EventType.WARNING).cluster("").build(0, T0);

    assertThat(failure(store.appendEvents(List.of(event("c1", null, null), blank))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no cluster");
    assertThat(await(store.events(EventQuery.all()))).isEmpty();
  }

  /**
   * Two stores (two pools, as two processes would) append events while they also write the same
   * cluster records, and a third follows the log: every event gets a distinct number, the follower
   * sees each exactly once and in order, and no append fails (on PostgreSQL: no deadlock between a
   * group holding a cluster row and a group holding the event counter).
   */
  @Test
  void twoStoresAppendingWhileWritingClusters_aFollowerMissesNoEvent() throws Exception {
    JdbcClusterStore first = store;
    JdbcClusterStore second = open();
    JdbcClusterStore reader = open();
    int writers = 6;
    int rounds = 40;
    for (int t = 0; t < writers; t++) {
      await(store.put(cluster("w-" + t, "w" + t, T0)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    CyclicBarrier start = new CyclicBarrier(writers + 1);
    java.util.concurrent.atomic.AtomicBoolean writing =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    try {
      List<Future<List<LifecycleEvent>>> appended = new ArrayList<>();
      for (int t = 0; t < writers; t++) {
        int thread = t;
        appended.add(
            pool.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  List<LifecycleEvent> mine = new ArrayList<>();
                  for (int i = 0; i < rounds; i++) {
                    JdbcClusterStore client = (thread + i) % 2 == 0 ? first : second;
                    String id = "w-" + (thread + i) % writers;
                    String mark = "t" + thread + "-" + i;
                    // a cluster write and an append in flight together, as an engine has them
                    CompletableFuture<Cluster> put =
                        client
                            .get(id)
                            .thenCompose(
                                c ->
                                    client.put(
                                        c.orElseThrow().toBuilder().addHistory(mark).build()))
                            .toCompletableFuture();
                    List<LifecycleEvent> batch = new ArrayList<>();
                    for (int k = 0; k <= i % 3; k++) {
                      batch.add(event(id, "op-" + thread, null));
                    }
                    mine.addAll(await(client.appendEvents(batch)));
                    try {
                      put.get(Records.WAIT_SECONDS, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                      // racing puts lose compare-and-sets, and on PostgreSQL two groups may
                      // deadlock on two cluster rows; appends must not fail
                      assertThat(e.getCause())
                          .isInstanceOfAny(
                              VersionConflictException.class, TransientSpiException.class);
                    }
                  }
                  return mine;
                }));
      }
      Future<List<LifecycleEvent>> follower =
          pool.submit(
              () -> {
                start.await(30, TimeUnit.SECONDS);
                List<LifecycleEvent> seen = new ArrayList<>();
                long after = 0;
                boolean last = false;
                while (!last) {
                  last = !writing.get();
                  List<LifecycleEvent> page =
                      await(reader.events(EventQuery.all().after(after).limit(5)));
                  seen.addAll(page);
                  if (!page.isEmpty()) {
                    after = page.get(page.size() - 1).seq();
                    last = false;
                  }
                }
                return seen;
              });
      List<LifecycleEvent> written = new ArrayList<>();
      for (Future<List<LifecycleEvent>> f : appended) {
        written.addAll(f.get(120, TimeUnit.SECONDS));
      }
      writing.set(false);
      List<LifecycleEvent> seen = follower.get(120, TimeUnit.SECONDS);

      written.sort(java.util.Comparator.comparingLong(LifecycleEvent::seq));
      assertThat(written.stream().map(LifecycleEvent::seq).distinct().count())
          .isEqualTo(written.size());
      assertThat(seen).isEqualTo(written);
    } finally {
      pool.shutdownNow();
    }
  }

  /** An event of a cluster, of an operation when one is given, with most fields filled in. */
  static LifecycleEvent event(String cluster, String operation, EventType type) {
    LifecycleEvent.Builder b =
        LifecycleEvent.builder(type == null ? EventType.COMMAND_FINISHED : type).cluster(cluster);
    if (operation != null) {
      b.operation(operation, OperationType.CREATE).stage("start").node("zk", cluster + "-zk-1");
      b.service("start", 10).exitCode(0).message("done");
    }
    return b.results(Map.of("motd", "gr\u00fc\u00dfe \"q\"")).build(0, T0.plusNanos(42));
  }

  // ------------------------------------------------------------------------ group commit

  @Test
  void concurrentWrites_shareCommits_andALostCompareAndSetFailsAlone() throws Exception {
    Cluster stale = await(store.put(cluster("c-stale", "stale", T0)));
    await(store.put(stale.toBuilder().state(ClusterState.STOPPED).build()));
    long groupsBefore = store.groupsCommitted();
    List<CompletableFuture<Cluster>> puts = new ArrayList<>();
    // the writes are all asked for while the first group waits for the database, as under load;
    // without the hold, how many share a commit depended on how fast this loop ran
    try (AutoCloseable held = holdWrites()) {
      for (int i = 0; i < 200; i++) {
        puts.add(store.put(cluster("c-" + i, "n" + i, T0)).toCompletableFuture());
        if (i == 100) {
          puts.add(store.put(stale).toCompletableFuture());
        }
      }
    }

    Throwable lost = failure(puts.remove(101));
    List<Cluster> stored = puts.stream().map(Records::await).toList();

    assertThat(lost).isInstanceOf(VersionConflictException.class);
    assertThat(stored).hasSize(200).allSatisfy(c -> assertThat(c.version()).isEqualTo(1));
    assertThat(await(store.list())).hasSize(201);
    assertThat(store.groupsCommitted() - groupsBefore)
        .as("201 writes asked for at once share commits")
        .isLessThan(100);
  }

  @Test
  void killedWhileGroupsAreInFlight_everyAcknowledgedWriteIsStored_andNoBatchIsCut()
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                GroupCommitWriterMain.class.getName()));
    cmd.addAll(childTarget());
    Process child =
        new ProcessBuilder(cmd).redirectError(work.resolve("child.err").toFile()).start();
    List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (java.io.BufferedReader r = child.inputReader()) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  acknowledged.add(line);
                }
              } catch (java.io.IOException e) {
                // the child was killed
              }
            });
    reader.start();
    Awaitility.await("child acknowledged writes")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(5))
        .failFast("child JVM ended; see " + work.resolve("child.err"), () -> !child.isAlive())
        .until(() -> acknowledgedCount(acknowledged) > 400 && doneNotAcknowledged(acknowledged));

    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);

    List<String> acks = new ArrayList<>(acknowledged);
    acks.remove("ready");
    acks.removeIf(line -> line.startsWith("done "));
    assertThat(acks)
        .as("the child acknowledged batches too; see %s", work.resolve("child.err"))
        .anyMatch(line -> line.startsWith("batch "));
    int highest = 0;
    for (String ack : acks) {
      highest = Math.max(highest, Integer.parseInt(ack.substring(ack.lastIndexOf('-') + 1)));
    }
    JdbcClusterStore after = open();
    int storedNotAcknowledged = 0;
    for (int i = 0; i <= highest + 64; i++) {
      String id = "k-" + i;
      boolean putAcked = acks.contains("put " + id);
      boolean stored = await(after.get(id)).isPresent();
      assertThat(stored || !putAcked).as("acknowledged put of %s is stored", id).isTrue();
      int entries = await(after.journal("op-" + id)).size();
      assertThat(entries)
          .as("journal batch of op-%s is stored whole or not at all", id)
          .isIn(0, GroupCommitWriterMain.BATCH);
      boolean journalAcked = acks.contains("journal op-" + id);
      assertThat(entries > 0 || !journalAcked)
          .as("acknowledged journal batch of op-%s is stored", id)
          .isTrue();
      String bid = "b-" + i;
      boolean batchStored = await(after.get(bid)).isPresent();
      boolean operationStored = await(after.getOperation("op-" + bid)).isPresent();
      int batchEntries = await(after.journal("op-" + bid)).size();
      assertThat(List.of(operationStored, batchEntries == GroupCommitWriterMain.BATCH))
          .as("batch %s (cluster, operation, journal) is stored whole or not at all", bid)
          .containsOnly(batchStored);
      assertThat(batchEntries).isIn(0, GroupCommitWriterMain.BATCH);
      boolean batchAcked = acks.contains("batch " + bid);
      assertThat(batchStored || !batchAcked).as("acknowledged batch %s is stored", bid).isTrue();
      if ((stored && !putAcked) || (entries > 0 && !journalAcked) || (batchStored && !batchAcked)) {
        storedNotAcknowledged++;
      }
    }
    System.out.printf(
        "killed writer: %d writes acknowledged, %d stored but not acknowledged%n",
        acks.size(), storedNotAcknowledged);
    assertThat(storedNotAcknowledged)
        .as("the kill came between groups' commits and their acknowledgements")
        .isPositive();
  }

  private static long acknowledgedCount(List<String> lines) {
    synchronized (lines) {
      return lines.stream().filter(l -> !l.startsWith("done ") && !l.equals("ready")).count();
    }
  }

  /** Tells whether some write is done (its commit returned) and not yet acknowledged. */
  private static boolean doneNotAcknowledged(List<String> lines) {
    synchronized (lines) {
      java.util.Set<String> acked = new java.util.HashSet<>(lines);
      return lines.stream()
          .anyMatch(l -> l.startsWith("done ") && !acked.contains(l.substring("done ".length())));
    }
  }

  // --------------------------------------------------------------------- two processes

  @Test
  void twoProcesses_readModifyWriteLoopsOnOneRecord_loseNoUpdate() throws Exception {
    Cluster start = await(store.put(cluster("c1", "demo", T0)));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CasLoopMain.class.getName(),
                work.toString(),
                "c1",
                String.valueOf(PROCESS_UPDATES),
                "child"));
    cmd.addAll(childTarget());
    Path log = work.resolve("child.log");
    Process child =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Awaitility.await("child JVM ready")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5))
          .failFast("child JVM ended; its log: " + log, () -> !child.isAlive())
          .until(() -> Files.exists(work.resolve("child.ready")));
      Files.writeString(work.resolve("go"), "");

      int conflicts = CasLoopMain.loop(store, "c1", PROCESS_UPDATES, "parent");

      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
      assertThat(child.exitValue())
          .as("child exit code; its output: %s", Files.readString(log))
          .isZero();
      Cluster last = await(store.get("c1")).orElseThrow();
      assertThat(last.version()).isEqualTo(1 + 2L * PROCESS_UPDATES);
      List<String> expected = new ArrayList<>(start.history());
      IntStream.range(0, PROCESS_UPDATES)
          .forEach(
              i -> {
                expected.add("parent-" + i);
                expected.add("child-" + i);
              });
      assertThat(last.history()).containsExactlyInAnyOrderElementsOf(expected);
      System.out.printf(
          "two processes: parent met %d conflicts; %s%n", conflicts, Files.readString(log).strip());
    } finally {
      child.destroyForcibly();
    }
  }
}
