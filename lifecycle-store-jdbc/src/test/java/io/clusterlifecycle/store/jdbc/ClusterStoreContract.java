package io.clusterlifecycle.store.jdbc;

import static io.clusterlifecycle.store.jdbc.Records.T0;
import static io.clusterlifecycle.store.jdbc.Records.await;
import static io.clusterlifecycle.store.jdbc.Records.backup;
import static io.clusterlifecycle.store.jdbc.Records.cluster;
import static io.clusterlifecycle.store.jdbc.Records.entry;
import static io.clusterlifecycle.store.jdbc.Records.failure;
import static io.clusterlifecycle.store.jdbc.Records.operation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.LifecycleException;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.JournalEntry.Status;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link io.clusterlifecycle.api.spi.ClusterStore} contract, and the schema rules of
 * {@link JdbcClusterStore}, run against each database: a subclass supplies a fresh database per
 * test.
 */
abstract class ClusterStoreContract {
  /** Updates each of the two processes makes in the two-process test. */
  static final int PROCESS_UPDATES = 100;

  @TempDir
  Path work;

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

  // ----------------------------------------------------------------------- compare-and-set

  @Test
  void put_newRecord_storesVersionOne_andReadsBackEqual() {
    Cluster written = cluster("c1", "demo", T0);

    Cluster stored = await(store.put(written));

    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored).isEqualTo(written.toBuilder().version(1).build());
    assertThat(await(store.get("c1"))).contains(stored);
    assertThat(stored.lease()).isPresent();
    assertThat(stored.nodes()).hasSize(2);
    assertThat(await(store.get("c2"))).isEmpty();
  }

  @Test
  void put_returnsTheRecordAsItIsReadBack_withMillisecondTimes() {
    Cluster written = cluster("c1", "demo", T0.plusNanos(456_789));

    Cluster stored = await(store.put(written));

    assertThat(stored.createdAt()).isEqualTo(T0);
    assertThat(await(store.get("c1"))).contains(stored);
  }

  @Test
  void put_sameNewRecordTwice_conflictsWithTheStoredVersion() {
    await(store.put(cluster("c1", "demo", T0)));

    Throwable t = failure(store.put(cluster("c1", "other", T0)));

    assertThat(t).isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 0, found 1");
    assertThat(await(store.get("c1")).orElseThrow().name()).isEqualTo("demo");
  }

  @Test
  void put_staleVersion_conflicts_andKeepsTheNewerRecord() {
    Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
    Cluster v2 = await(store.put(v1.toBuilder().state(ClusterState.STOPPED).build()));

    Throwable t = failure(store.put(v1.toBuilder().state(ClusterState.FAILED_UPDATING).build()));

    assertThat(v2.version()).isEqualTo(2);
    assertThat(t).isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 1, found 2");
    assertThat(await(store.get("c1"))).contains(v2);
  }

  @Test
  void put_versionOfAMissingRecord_conflictsWithZero() {
    Cluster phantom = cluster("c1", "demo", T0).toBuilder().version(4).build();

    assertThat(failure(store.put(phantom))).isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 4, found 0");
    assertThat(await(store.get("c1"))).isEmpty();
  }

  @Test
  void concurrentPuts_fromSixteenThreadsAndTwoStores_haveExactlyOneWinnerPerVersion()
      throws Exception {
    JdbcClusterStore other = open();
    Cluster current = await(store.put(cluster("c1", "demo", T0)));
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 8; round++) {
        Cluster base = current;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Optional<Cluster>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          JdbcClusterStore via = t % 2 == 0 ? store : other;
          Cluster mine = base.toBuilder().addHistory("round-" + round + "-thread-" + t).build();
          results.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            try {
              return Optional.of(via.put(mine).toCompletableFuture().get(30, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
              if (e.getCause() instanceof VersionConflictException) {
                return Optional.<Cluster>empty();
              }
              throw e;
            }
          }));
        }
        List<Cluster> winners = new ArrayList<>();
        for (Future<Optional<Cluster>> f : results) {
          f.get(60, TimeUnit.SECONDS).ifPresent(winners::add);
        }

        assertThat(winners).as("winners of round %d", round).hasSize(1);
        assertThat(winners.get(0).version()).isEqualTo(base.version() + 1);
        assertThat(await(other.get("c1"))).contains(winners.get(0));
        current = winners.get(0);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(current.version()).isEqualTo(9);
    assertThat(current.history()).hasSize(9);
  }

  // ------------------------------------------------------------------ queries and operations

  @Test
  void list_isByCreationTime_thenById() {
    await(store.put(cluster("c-b", "second", T0.plusSeconds(10))));
    await(store.put(cluster("c-a", "last", T0.plusSeconds(20))));
    await(store.put(cluster("c-c", "third", T0.plusSeconds(10))));
    await(store.put(cluster("C-z", "first-of-ties", T0.plusSeconds(10))));
    await(store.put(cluster("c-0", "first", T0)));

    assertThat(await(store.list())).extracting(Cluster::id)
        .containsExactly("c-0", "C-z", "c-b", "c-c", "c-a");
  }

  @Test
  void operations_roundTripEqual_areReplacedById_andListedOldestFirstPerCluster() {
    Operation later = operation("op-2", "c1", T0.plusSeconds(60));
    Operation first = operation("op-1", "c1", T0);
    Operation sameTime = operation("op-0", "c1", T0.plusSeconds(60));
    await(store.putOperation(later));
    await(store.putOperation(first));
    await(store.putOperation(sameTime));
    await(store.putOperation(operation("op-x", "c2", T0)));

    assertThat(await(store.getOperation("op-1"))).contains(first);
    Operation ended = first.ended(OperationState.FAILED, T0.plusSeconds(5), "boom", false,
        List.of("w1", "w2"), List.of("/kept/v1"));
    await(store.putOperation(ended));

    assertThat(await(store.getOperation("op-1"))).contains(ended);
    assertThat(await(store.getOperation("op-9"))).isEmpty();
    assertThat(await(store.operations("c1"))).containsExactly(ended, sameTime, later);
    assertThat(await(store.operations("c3"))).isEmpty();
  }

  // ----------------------------------------------------------------------------- journal

  @Test
  void journal_batchesAreReadBackInAppendOrder_perOperation() {
    List<JournalEntry> first = List.of(
        entry("op-1", "s1", Status.STARTED, T0),
        entry("op-2", "s1", Status.STARTED, T0.plusMillis(1)),
        entry("op-1", "s1", Status.SUCCEEDED, T0.plusNanos(1_500_001)),
        entry("op-1", "s2", Status.STARTED, T0.plusMillis(2)));
    List<JournalEntry> second = List.of(
        entry("op-1", "s2", Status.FAILED, T0.plusMillis(3)),
        entry("op-1", "s0", Status.STARTED, T0.minusSeconds(1)),
        entry("op-2", "s1", Status.SUCCEEDED, T0.plusMillis(4)));

    await(store.appendJournal(first));
    await(store.appendJournal(second));
    await(store.appendJournal(List.of()));

    assertThat(await(store.journal("op-1"))).containsExactly(first.get(0), first.get(2),
        first.get(3), second.get(0), second.get(1));
    assertThat(await(store.journal("op-2"))).containsExactly(first.get(1), second.get(2));
    assertThat(await(store.journal("op-3"))).isEmpty();
    assertThat(await(store.journal("op-1")).get(3).detail()).isEqualTo("exit 3");
  }

  @Test
  void journal_largeBatch_isStoredWholeAndInOrder() {
    List<JournalEntry> batch = IntStream.range(0, 2000)
        .mapToObj(i -> entry("op-1", "step-" + (1999 - i), Status.values()[i % 3],
            T0.plusMillis(i)))
        .toList();

    await(store.appendJournal(batch));

    assertThat(await(open().journal("op-1"))).containsExactlyElementsOf(batch);
  }

  // ----------------------------------------------------------------------------- backups

  @Test
  void backups_roundTripEqual_areReplacedById_andListedOldestFirstThenById() {
    Backup late = backup("b-late", "c1", T0.plusSeconds(20));
    Backup tieB = backup("b-tie-b", "c1", T0.plusSeconds(10));
    Backup tieA = backup("b-tie-a", "c1", T0.plusSeconds(10));
    Backup tieUpper = backup("B-tie", "c1", T0.plusSeconds(10));
    Backup early = backup("b-early", "c1", T0);
    for (Backup b : List.of(late, tieB, tieA, tieUpper, early, backup("b-other", "c2", T0))) {
      await(store.putBackup(b));
    }
    Backup replaced = new Backup("b-late", "c1", "renamed", "team-b", Records.spec(), Map.of(),
        Map.of("zk", 1), List.of(), T0.plusSeconds(30));

    await(store.putBackup(replaced));

    assertThat(await(store.getBackup("b-tie-a"))).contains(tieA);
    assertThat(await(store.getBackup("b-tie-a")).orElseThrow().spec())
        .isEqualTo(Records.spec());
    assertThat(await(store.getBackup("b-late"))).contains(replaced);
    assertThat(await(store.getBackup("b-unknown"))).isEmpty();
    assertThat(await(store.backups("c1")))
        .containsExactly(early, tieUpper, tieA, tieB, replaced);
    assertThat(await(store.backups("c2"))).extracting(Backup::id).containsExactly("b-other");
    assertThat(await(store.backups("c-none"))).isEmpty();
  }

  @Test
  void backups_keepMillisecondTimes() {
    await(store.putBackup(backup("b-1", "c1", T0.plusNanos(456_789))));

    assertThat(await(store.getBackup("b-1")).orElseThrow().createdAt()).isEqualTo(T0);
  }

  @Test
  void backups_surviveTheDeleteOfTheirCluster() {
    await(store.put(cluster("c1", "demo", T0)));
    await(store.putOperation(operation("op-1", "c1", T0)));
    Backup b = backup("b-1", "c1", T0.plusSeconds(1));
    await(store.putBackup(b));

    await(store.delete("c1"));

    assertThat(await(store.get("c1"))).isEmpty();
    assertThat(await(store.getOperation("op-1"))).isEmpty();
    assertThat(await(store.getBackup("b-1"))).contains(b);
    assertThat(await(store.backups("c1"))).containsExactly(b);
  }

  @Test
  void backups_surviveReopeningTheStore() {
    Backup first = backup("b-1", "c1", T0);
    Backup second = backup("b-2", "c1", T0.plusSeconds(1));
    await(store.putBackup(second));
    await(store.putBackup(first));
    store.close();

    JdbcClusterStore again = open();

    assertThat(await(again.getBackup("b-2"))).contains(second);
    assertThat(await(again.backups("c1"))).containsExactly(first, second);
  }

  @Test
  void databaseOfThePreviousSchema_isMigratedAtOpen_keepingItsRecords() throws SQLException {
    Cluster c = await(store.put(cluster("c1", "demo", T0)));
    store.close();
    // what the previous release (schema version 1, no backups table) left behind
    try (Connection conn = connect(); Statement s = conn.createStatement()) {
      s.execute("DROP TABLE backups");
      s.executeUpdate("DELETE FROM lifecycle_schema WHERE version > 1");
    }

    JdbcClusterStore again = open();
    Backup b = backup("b-1", "c1", T0);
    await(again.putBackup(b));

    assertThat(await(again.get("c1"))).contains(c);
    assertThat(await(again.backups("c1"))).containsExactly(b);
    try (Connection conn = connect(); Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM lifecycle_schema ORDER BY version")) {
      List<Integer> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
      assertThat(versions).containsExactly(1, 2);
    }
  }

  // ------------------------------------------------------------------------------ delete

  @Test
  void delete_removesTheCluster_itsOperations_andTheirJournals_only() {
    await(store.put(cluster("c1", "demo", T0)));
    Cluster keep = await(store.put(cluster("c2", "keep", T0)));
    await(store.putOperation(operation("op-1", "c1", T0)));
    await(store.putOperation(operation("op-2", "c1", T0.plusSeconds(1))));
    Operation kept = operation("op-3", "c2", T0);
    await(store.putOperation(kept));
    await(store.appendJournal(List.of(entry("op-1", "s1", Status.STARTED, T0),
        entry("op-2", "s1", Status.STARTED, T0), entry("op-3", "s1", Status.STARTED, T0))));

    await(store.delete("c1"));

    assertThat(await(store.get("c1"))).isEmpty();
    assertThat(await(store.operations("c1"))).isEmpty();
    assertThat(await(store.getOperation("op-1"))).isEmpty();
    assertThat(await(store.journal("op-1"))).isEmpty();
    assertThat(await(store.journal("op-2"))).isEmpty();
    assertThat(await(store.get("c2"))).contains(keep);
    assertThat(await(store.operations("c2"))).containsExactly(kept);
    assertThat(await(store.journal("op-3"))).hasSize(1);
    // a new record may take the id again
    assertThat(await(store.put(cluster("c1", "again", T0))).version()).isEqualTo(1);
  }

  @Test
  void delete_ofAMissingCluster_completesNormally() {
    assertThat(await(store.delete("nope"))).isNull();
  }

  // -------------------------------------------------------------------- lifecycle, schema

  @Test
  void reopen_afterClose_seesTheSameRecords() {
    Cluster c = await(store.put(cluster("c1", "demo", T0)));
    Operation op = operation("op-1", "c1", T0);
    await(store.putOperation(op));
    JournalEntry e = entry("op-1", "s1", Status.SUCCEEDED, T0.plusNanos(7));
    await(store.appendJournal(List.of(e)));
    store.close();

    JdbcClusterStore again = open();

    assertThat(await(again.get("c1"))).contains(c);
    assertThat(await(again.list())).containsExactly(c);
    assertThat(await(again.getOperation("op-1"))).contains(op);
    assertThat(await(again.journal("op-1"))).containsExactly(e);
    assertThat(await(again.put(c)).version()).isEqualTo(2);
  }

  @Test
  void closedStore_failsItsStages_andCloseIsIdempotent() {
    store.close();
    store.close();

    assertThat(failure(store.get("c1"))).isInstanceOf(LifecycleException.class)
        .hasMessageContaining("is closed; open it again");
    assertThat(failure(store.appendJournal(List.of(entry("op", "s", Status.STARTED, T0)))))
        .isInstanceOf(LifecycleException.class);
  }

  @Test
  void nullArguments_failTheStage_insteadOfThrowing() {
    assertThat(failure(store.get(null))).isInstanceOf(NullPointerException.class);
    assertThat(failure(store.put(null))).isInstanceOf(NullPointerException.class);
    List<JournalEntry> withNull = new ArrayList<>();
    withNull.add(null);
    assertThat(failure(store.appendJournal(withNull))).isInstanceOf(NullPointerException.class);
    assertThat(failure(store.putBackup(null))).isInstanceOf(NullPointerException.class);
    assertThat(failure(store.getBackup(null))).isInstanceOf(NullPointerException.class);
    assertThat(failure(store.backups(null))).isInstanceOf(NullPointerException.class);
  }

  @Test
  void schemaVersion_isRecorded_once() throws SQLException {
    open().close();

    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT version, description, applied_at FROM lifecycle_schema ORDER BY version")) {
      List<Integer> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getInt(1));
        assertThat(rs.getString(2)).isNotBlank();
        assertThat(rs.getString(3)).endsWith("Z");
      }
      assertThat(versions).containsExactlyElementsOf(
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
        opening.add(pool.submit(() -> {
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

    try (Connection c = connect(); Statement s = c.createStatement();
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
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO lifecycle_schema (version, description, applied_at)"
          + " VALUES (" + newer + ", 'from the future', '2030-01-01T00:00:00.000Z')");
    }

    assertThatThrownBy(this::open).isInstanceOf(LifecycleException.class)
        .hasMessageContaining("has schema version " + newer + ", newer than version "
            + JdbcClusterStore.SCHEMA_VERSION)
        .hasMessageContaining("upgrade the library");
  }

  // --------------------------------------------------------------------- two processes

  @Test
  void twoProcesses_readModifyWriteLoopsOnOneRecord_loseNoUpdate() throws Exception {
    Cluster start = await(store.put(cluster("c1", "demo", T0)));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CasLoopMain.class.getName(),
        work.toString(), "c1", String.valueOf(PROCESS_UPDATES), "child"));
    cmd.addAll(childTarget());
    Path log = work.resolve("child.log");
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(work.resolve("child.ready"))) {
        assertThat(child.isAlive()).as("child JVM running; its log: %s", log).isTrue();
        assertThat(System.nanoTime()).as("child JVM ready in 30 s").isLessThan(deadline);
        Thread.sleep(5);
      }
      Files.writeString(work.resolve("go"), "");

      int conflicts = CasLoopMain.loop(store, "c1", PROCESS_UPDATES, "parent");

      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
      assertThat(child.exitValue()).as("child exit code; its output: %s",
          Files.readString(log)).isZero();
      Cluster last = await(store.get("c1")).orElseThrow();
      assertThat(last.version()).isEqualTo(1 + 2L * PROCESS_UPDATES);
      List<String> expected = new ArrayList<>(start.history());
      IntStream.range(0, PROCESS_UPDATES).forEach(i -> {
        expected.add("parent-" + i);
        expected.add("child-" + i);
      });
      assertThat(last.history()).containsExactlyInAnyOrderElementsOf(expected);
      System.out.printf("two processes: parent met %d conflicts; %s%n", conflicts,
          Files.readString(log).strip());
    } finally {
      child.destroyForcibly();
    }
  }
}
