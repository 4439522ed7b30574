package io.clusterlifecycle.testkit.compat;

import static io.clusterlifecycle.testkit.compat.KitRecords.T0;
import static io.clusterlifecycle.testkit.compat.KitRecords.backup;
import static io.clusterlifecycle.testkit.compat.KitRecords.cluster;
import static io.clusterlifecycle.testkit.compat.KitRecords.entry;
import static io.clusterlifecycle.testkit.compat.KitRecords.operation;
import static io.clusterlifecycle.testkit.compat.Stages.await;
import static io.clusterlifecycle.testkit.compat.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.JournalEntry.Status;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ClusterStore} as JUnit 5 tests: every implementation extends this class in
 * a few lines and so runs the same checks as the shipped stores (in-memory, file, SQLite,
 * PostgreSQL). A failed assertion names the part of the contract the store broke.
 *
 * <pre>{@code
 * class MyClusterStoreCompatibilityTest extends ClusterStoreCompatibilityKit {
 *   private String database;
 *
 *   @Override
 *   protected ClusterStore newStore() {
 *     database = MyServer.createEmptyDatabase();
 *     return MyClusterStore.open(database);
 *   }
 *
 *   @Override
 *   protected ClusterStore reopen() {
 *     return MyClusterStore.open(database);
 *   }
 * }
 * }</pre>
 *
 * <p>What the kit checks: {@link ClusterStore#put} is a compare-and-set on the version, also
 * between two clients racing from sixteen threads; records read back equal the records written,
 * with millisecond times; {@link ClusterStore#list}, {@link ClusterStore#named}, {@link
 * ClusterStore#operations} and {@link ClusterStore#backups} are ordered by creation time (ties in
 * any order); {@link ClusterStore#named} returns exactly the records of a name, and {@link
 * ClusterStore#busy} exactly those that name an operation; {@link ClusterStore#write} stores a
 * batch whole or not at all; operations and backups are replaced by id; journals keep every batch
 * whole and in append order; {@link ClusterStore#delete} purges a cluster with its operations and
 * journals but keeps its backups; the event log numbers events from one increasing sequence,
 * selects them by cluster, operation, position and limit, and lets a reader follow it while others
 * append without missing one ({@link EventLogChecks}); what one client wrote, another client on the
 * same data reads; a null argument fails the stage rather than throwing; a closed store fails its
 * stages and may be closed again.
 *
 * <p>Each test calls {@link #newStore()} once, first, and {@link #reopen()} when it needs a second
 * client. After the test the kit closes every store it obtained; that happens after the subclass's
 * own {@code @AfterEach} methods (JUnit runs a subclass's first), so keep what the stores need to
 * close (a server, a thread pool) until {@code @AfterAll}, or let closing tolerate its absence.
 * Every call is awaited for at most 30 seconds.
 */
public abstract class ClusterStoreCompatibilityKit extends StoreBatchChecks {

  /** Creates the kit; a subclass adds only the two factory methods. */
  protected ClusterStoreCompatibilityKit() {}

  // ----------------------------------------------------------------------- compare-and-set

  @Test
  void put_newRecord_isStoredAtVersionOne_andReadsBackEqual() throws Exception {
    ClusterStore store = open();
    Cluster written = cluster("c1", "demo", T0);

    Cluster stored = await("put(new record)", store.put(written));

    assertThat(stored)
        .as(
            CAS
                + ": a new record (version 0) is stored at version 1, and put "
                + "returns the stored record")
        .isEqualTo(written.withVersion(1));
    assertThat(await("get", store.get("c1"))).as(ROUND_TRIP).contains(stored);
    assertThat(await("get(unknown id)", store.get("c2")))
        .as("ClusterStore.get of an id never stored must be empty")
        .isEmpty();
  }

  @Test
  void put_returnsTheRecordAsItIsReadBack_evenWithSubMillisecondTimes() throws Exception {
    ClusterStore store = open();
    Instant fine = T0.plusNanos(456_789);
    Cluster written =
        cluster("c1", "demo", fine).toBuilder()
            .updatedAt(fine.plusNanos(1))
            .lease(Optional.of(new Lease("engine-1", "host-a", 4242, T0.plusSeconds(30))))
            .build();

    Cluster stored = await("put", store.put(written));

    String keepsTimes = "ClusterStore.put must keep a time exactly or to the millisecond";
    assertThat(stored.createdAt()).as(keepsTimes).isIn(fine, fine.truncatedTo(ChronoUnit.MILLIS));
    assertThat(stored.updatedAt())
        .as(keepsTimes)
        .isIn(fine.plusNanos(1), fine.plusNanos(1).truncatedTo(ChronoUnit.MILLIS));
    assertThat(stored)
        .as(ROUND_TRIP)
        .usingRecursiveComparison()
        .ignoringFields("version", "createdAt", "updatedAt")
        .isEqualTo(written);
    assertThat(await("get", store.get("c1")))
        .as("ClusterStore.put must return the record exactly as get reads it back")
        .contains(stored);
    assertThat(await("get through another client", openAgain().get("c1")))
        .as("ClusterStore.put must return the record exactly as another client reads it back")
        .contains(stored);
  }

  @Test
  void millisecondTimes_areKeptExactly_inEveryKindOfRecord() throws Exception {
    ClusterStore store = open();
    Instant wholeSecond = T0.truncatedTo(ChronoUnit.SECONDS);
    Instant lastMilli = wholeSecond.plusMillis(999);
    Cluster c =
        await(
            "put",
            store.put(cluster("c1", "demo", wholeSecond).toBuilder().updatedAt(lastMilli).build()));
    Operation op =
        operation("op-1", "c1", lastMilli)
            .ended(
                OperationState.SUCCEEDED,
                wholeSecond.plusSeconds(1),
                "",
                false,
                List.of(),
                List.of());
    Backup b = backup("b-1", "c1", wholeSecond.plusMillis(1));
    JournalEntry e = entry("op-1", "s1", Status.SUCCEEDED, lastMilli);

    await("putOperation", store.putOperation(op));
    await("putBackup", store.putBackup(b));
    await("appendJournal", store.appendJournal(List.of(e)));

    assertThat(c.createdAt()).as(ROUND_TRIP).isEqualTo(wholeSecond);
    assertThat(c.updatedAt()).as(ROUND_TRIP).isEqualTo(lastMilli);
    assertThat(await("get", store.get("c1"))).as(ROUND_TRIP).contains(c);
    assertThat(await("getOperation", store.getOperation("op-1"))).as(ROUND_TRIP).contains(op);
    assertThat(await("getBackup", store.getBackup("b-1"))).as(ROUND_TRIP).contains(b);
    assertThat(await("journal", store.journal("op-1"))).as(ROUND_TRIP).containsExactly(e);
  }

  @Test
  void put_sameNewRecordTwice_conflictsWithTheStoredVersion_andKeepsTheFirst() throws Exception {
    ClusterStore store = open();
    Cluster first = await("put", store.put(cluster("c1", "demo", T0)));

    Throwable t =
        failure(
            "put(version 0) of an existing record", () -> store.put(cluster("c1", "other", T0)));

    assertThat(t)
        .as(CAS + ": a second put at version 0 must fail")
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 0, found 1");
    assertThat(await("get", store.get("c1")))
        .as(CAS + ": the refused put changed the record")
        .contains(first);
  }

  @Test
  void put_fromTheStoredVersion_replacesTheRecord_andFromAStaleOne_conflicts() throws Exception {
    ClusterStore store = open();
    Cluster v1 = await("put", store.put(cluster("c1", "demo", T0)));
    Cluster changed = v1.toBuilder().state(ClusterState.STOPPED).addHistory("op-2").build();

    Cluster v2 = await("put(from version 1)", store.put(changed));
    Throwable t =
        failure(
            "put(from stale version 1)",
            () -> store.put(v1.toBuilder().state(ClusterState.FAILED_UPDATING).build()));

    assertThat(v2)
        .as(CAS + ": a put from the stored version replaces the record")
        .isEqualTo(changed.withVersion(2));
    assertThat(t)
        .as(CAS + ": a put from a stale version must fail")
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 1, found 2");
    assertThat(await("get", store.get("c1")))
        .as(CAS + ": the refused put changed the record")
        .contains(v2);
  }

  @Test
  void put_withAVersionOfARecordThatDoesNotExist_conflictsWithZero() throws Exception {
    ClusterStore store = open();
    Cluster phantom = cluster("c1", "demo", T0).withVersion(4);

    Throwable t = failure("put(version 4) of a record never stored", () -> store.put(phantom));

    assertThat(t)
        .as(CAS + ": a put at version 4 of a missing record must fail")
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 4, found 0");
    assertThat(await("get", store.get("c1")))
        .as(CAS + ": the refused put stored the record")
        .isEmpty();
  }

  @Test
  void concurrentPuts_fromSixteenThreadsAndTwoClients_haveExactlyOneWinnerPerVersion()
      throws Exception {
    ClusterStore store = open();
    ClusterStore other = openAgain();
    Cluster current = await("put", store.put(cluster("c1", "demo", T0)));
    int threads = 16;
    int rounds = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        Cluster base = current;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Optional<Cluster>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          ClusterStore via = t % 2 == 0 ? store : other;
          Cluster mine = base.toBuilder().addHistory("round-" + round + "-thread-" + t).build();
          results.add(
              pool.submit(
                  () -> {
                    start.await(Stages.WAIT_SECONDS, TimeUnit.SECONDS);
                    Stages.Outcome<Cluster> r = Stages.outcome("put", () -> via.put(mine));
                    if (r.error() == null) {
                      return Optional.of(r.value());
                    }
                    assertThat(r.error())
                        .as(
                            CAS
                                + ": a put that lost the race must fail with "
                                + "VersionConflictException")
                        .isInstanceOf(VersionConflictException.class);
                    return Optional.<Cluster>empty();
                  }));
        }
        List<Cluster> winners = new ArrayList<>();
        for (Future<Optional<Cluster>> f : results) {
          try {
            f.get(2 * Stages.WAIT_SECONDS, TimeUnit.SECONDS).ifPresent(winners::add);
          } catch (ExecutionException e) {
            throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
          }
        }

        assertThat(winners)
            .as(
                CAS
                    + ": %d puts from version %d on two clients, round %d, must "
                    + "have exactly one winner",
                threads,
                base.version(),
                round)
            .hasSize(1);
        Cluster winner = winners.get(0);
        assertThat(winner.version()).as(CAS).isEqualTo(base.version() + 1);
        assertThat(await("get through the other client", other.get("c1")))
            .as(CAS + ": both clients must read the winner")
            .contains(winner);
        assertThat(await("get", store.get("c1")))
            .as(CAS + ": both clients must read the winner")
            .contains(winner);
        current = winner;
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(current.version()).as(CAS).isEqualTo(rounds + 1);
    assertThat(current.history())
        .as(CAS + ": each round's winner built on the last one")
        .hasSize(rounds + 1);
  }

  // ------------------------------------------------------------------ queries and operations

  @Test
  void list_isEveryRecord_byCreationTime() throws Exception {
    ClusterStore store = open();
    assertThat(await("list", store.list())).as("ClusterStore.list of an empty store").isEmpty();
    List<Cluster> stored = new ArrayList<>();
    stored.add(await("put", store.put(cluster("c-b", "second", T0.plusSeconds(10)))));
    stored.add(await("put", store.put(cluster("c-a", "last", T0.plusSeconds(20)))));
    stored.add(await("put", store.put(cluster("c-c", "third", T0.plusSeconds(10)))));
    stored.add(await("put", store.put(cluster("C-z", "tie", T0.plusSeconds(10)))));
    stored.add(await("put", store.put(cluster("c-0", "first", T0))));
    Cluster updated =
        await("put", store.put(stored.get(0).toBuilder().state(ClusterState.STOPPED).build()));
    stored.set(0, updated);

    List<Cluster> listed = await("list", store.list());

    assertThat(listed)
        .as("ClusterStore.list must return every record, as stored, once")
        .containsExactlyInAnyOrderElementsOf(stored);
    assertThat(listed)
        .extracting(Cluster::createdAt)
        .as("ClusterStore.list must order records by creation time (ties in any order)")
        .isSorted();
  }

  @Test
  void named_isEveryRecordOfThatExactName_inEveryNamespace_byCreationTime() throws Exception {
    ClusterStore store = open();
    assertThat(await("named", store.named("web")))
        .as("ClusterStore.named on an empty store")
        .isEmpty();
    Cluster later = await("put", store.put(cluster("c-1", "web", T0.plusSeconds(10))));
    Cluster other =
        await("put", store.put(cluster("c-2", "web", T0).toBuilder().namespace("team-b").build()));
    await("put", store.put(cluster("c-3", "db", T0.plusSeconds(5))));
    await("put", store.put(cluster("c-4", "web-1", T0)));
    await("put", store.put(cluster("c-5", "WEB", T0)));
    await("put", store.put(cluster("c-6", "we", T0)));
    Cluster done = await("put", store.put(other.toBuilder().state(ClusterState.DONE).build()));

    assertThat(await("named(web)", store.named("web")))
        .as(
            "ClusterStore.named must return every record with exactly that name (any namespace,"
                + " any state, as last stored), by creation time, and no other")
        .containsExactly(done, later);
    assertThat(await("named(nope)", store.named("nope")))
        .as("ClusterStore.named of a name nobody has")
        .isEmpty();

    await("delete", store.delete("c-1"));

    assertThat(await("named(web) after delete", store.named("web")))
        .as("ClusterStore.named must not return a deleted record")
        .containsExactly(done);
    assertThat(await("named(web) through another client", openAgain().named("web")))
        .as("ClusterStore.named through another client of the same data")
        .containsExactly(done);
    assertThat(await("named(we)", store.named("we")))
        .as("ClusterStore.named compares the whole name exactly")
        .extracting(Cluster::id)
        .containsExactly("c-6");
  }

  @Test
  void busy_isEveryRecordThatNamesAnOperation_byCreationTime() throws Exception {
    ClusterStore store = open();
    Cluster idle = await("put", store.put(withOperation(cluster("c-1", "idle", T0), "")));
    assertThat(await("busy", store.busy())).as("ClusterStore.busy on idle records").isEmpty();
    Cluster later =
        await("put", store.put(withOperation(cluster("c-2", "web", T0.plusSeconds(10)), "op-2")));
    Cluster first =
        await("put", store.put(withOperation(cluster("c-3", "db", T0.plusSeconds(5)), "op-3")));
    Cluster ended = await("put", store.put(cluster("c-4", "mq", T0)));
    await("put", store.put(withOperation(ended, "")));
    Cluster gone = await("put", store.put(withOperation(cluster("c-5", "kv", T0), "op-5")));
    await("delete", store.delete(gone.id()));
    Cluster claimed = await("put", store.put(withOperation(idle, "op-1")));

    String contract =
        "ClusterStore.busy must return every record that names an operation, as last stored, by"
            + " creation time, and no other";
    assertThat(await("busy", store.busy())).as(contract).containsExactly(claimed, first, later);
    assertThat(await("busy through another client", openAgain().busy()))
        .as(contract + " (through another client)")
        .containsExactly(claimed, first, later);
  }

  private static Cluster withOperation(Cluster c, String operation) {
    return c.toBuilder().operation(operation).build();
  }

  @Test
  void operations_roundTripEqual_areReplacedById_andListedOldestFirstPerCluster() throws Exception {
    ClusterStore store = open();
    Operation later = operation("op-2", "c1", T0.plusSeconds(60));
    Operation first = operation("op-1", "c1", T0);
    Operation sameTime = operation("op-0", "c1", T0.plusSeconds(60));
    Operation middle = operation("op-9", "c1", T0.plusSeconds(30));
    for (Operation op : List.of(later, first, sameTime, middle, operation("op-x", "c2", T0))) {
      await("putOperation", store.putOperation(op));
    }
    assertThat(await("getOperation", store.getOperation("op-1"))).as(ROUND_TRIP).contains(first);

    Operation ended =
        first.ended(
            OperationState.FAILED,
            T0.plusSeconds(5),
            "boom",
            false,
            List.of("w1", "w2"),
            List.of("/kept/v1"));
    await("putOperation(same id)", store.putOperation(ended));

    assertThat(await("getOperation", store.getOperation("op-1")))
        .as("ClusterStore.putOperation must replace the operation with the same id")
        .contains(ended);
    assertThat(await("getOperation(unknown id)", store.getOperation("op-unknown")))
        .as("ClusterStore.getOperation of an id never stored must be empty")
        .isEmpty();
    List<Operation> ofC1 = await("operations", store.operations("c1"));
    assertThat(ofC1)
        .as(
            "ClusterStore.operations must return each operation of the cluster once, "
                + "as last stored")
        .containsExactlyInAnyOrder(ended, middle, sameTime, later);
    assertThat(ofC1)
        .extracting(Operation::createdAt)
        .as("ClusterStore.operations must list oldest first (ties in any order)")
        .isSorted();
    assertThat(await("operations", store.operations("c2")))
        .extracting(Operation::id)
        .as("ClusterStore.operations must list only the cluster's operations")
        .containsExactly("op-x");
    assertThat(await("operations(unknown cluster)", store.operations("c3")))
        .as("ClusterStore.operations of a cluster without operations must be empty")
        .isEmpty();
  }

  // ----------------------------------------------------------------------------- journal

  @Test
  void journal_batchesAreReadBackInAppendOrder_perOperation() throws Exception {
    ClusterStore store = open();
    List<JournalEntry> first =
        List.of(
            entry("op-1", "s1", Status.STARTED, T0),
            entry("op-2", "s1", Status.STARTED, T0.plusMillis(1)),
            entry("op-1", "s1", Status.SUCCEEDED, T0.plusMillis(2)),
            entry("op-1", "s2", Status.STARTED, T0.plusMillis(2)));
    List<JournalEntry> second =
        List.of(
            entry("op-1", "s2", Status.FAILED, T0.plusMillis(3)),
            entry("op-1", "s0", Status.STARTED, T0.minusSeconds(1)),
            entry("op-2", "s1", Status.SUCCEEDED, T0.plusMillis(4)),
            entry("op-1", "s2", Status.FAILED, T0.plusMillis(3)));

    await("appendJournal", store.appendJournal(first));
    await("appendJournal", store.appendJournal(second));
    await("appendJournal(empty batch)", store.appendJournal(List.of()));

    String order =
        "ClusterStore.journal must return every entry appended for the operation, "
            + "in append order (not time order), duplicates included";
    assertThat(await("journal", store.journal("op-1")))
        .as(order)
        .containsExactly(
            first.get(0), first.get(2), first.get(3), second.get(0), second.get(1), second.get(3));
    assertThat(await("journal", store.journal("op-2")))
        .as(order)
        .containsExactly(first.get(1), second.get(2));
    assertThat(await("journal(unknown operation)", store.journal("op-3")))
        .as("ClusterStore.journal of an operation without entries must be empty")
        .isEmpty();
  }

  @Test
  void journal_largeBatch_isStoredWholeAndInOrder() throws Exception {
    ClusterStore store = open();
    List<JournalEntry> batch =
        IntStream.range(0, 2000)
            .mapToObj(
                i -> entry("op-1", "step-" + (1999 - i), Status.values()[i % 3], T0.plusMillis(i)))
            .toList();

    await("appendJournal(2000 entries)", store.appendJournal(batch));

    assertThat(await("journal through another client", openAgain().journal("op-1")))
        .as(
            "ClusterStore.appendJournal must store a batch whole, in order, once its stage "
                + "completed")
        .containsExactlyElementsOf(batch);
  }

  // ----------------------------------------------------------------------------- backups

  @Test
  void backups_roundTripEqual_areReplacedById_andListedOldestFirst() throws Exception {
    ClusterStore store = open();
    Backup late = backup("b-late", "c1", T0.plusSeconds(20));
    Backup tieB = backup("b-tie-b", "c1", T0.plusSeconds(10));
    Backup tieA = backup("b-tie-a", "c1", T0.plusSeconds(10));
    Backup early = backup("b-early", "c1", T0);
    for (Backup b : List.of(late, tieB, tieA, early, backup("b-other", "c2", T0))) {
      await("putBackup", store.putBackup(b));
    }
    Backup replaced =
        Backup.builder()
            .id("b-late")
            .clusterId("c1")
            .clusterName("renamed")
            .namespace("team-b")
            .spec(KitRecords.spec("3.9.0"))
            .env(Map.of())
            .roleCounts(Map.of("zk", 1))
            .artifacts(List.of())
            .createdAt(T0.plusSeconds(30))
            .build();

    await("putBackup(same id)", store.putBackup(replaced));

    assertThat(await("getBackup", store.getBackup("b-tie-a"))).as(ROUND_TRIP).contains(tieA);
    assertThat(await("getBackup", store.getBackup("b-late")))
        .as("ClusterStore.putBackup must replace the backup with the same id")
        .contains(replaced);
    assertThat(await("getBackup(unknown id)", store.getBackup("b-unknown")))
        .as("ClusterStore.getBackup of an id never stored must be empty")
        .isEmpty();
    List<Backup> ofC1 = await("backups", store.backups("c1"));
    assertThat(ofC1)
        .as("ClusterStore.backups must return each backup of the cluster once, as " + "last stored")
        .containsExactlyInAnyOrder(early, tieA, tieB, replaced);
    assertThat(ofC1)
        .extracting(Backup::createdAt)
        .as("ClusterStore.backups must list oldest first (ties in any order)")
        .isSorted();
    assertThat(await("backups", store.backups("c2")))
        .extracting(Backup::id)
        .as("ClusterStore.backups must list only the cluster's backups")
        .containsExactly("b-other");
    assertThat(await("backups(unknown cluster)", store.backups("c-none")))
        .as("ClusterStore.backups of a cluster without backups must be empty")
        .isEmpty();
  }

  @Test
  void backups_surviveTheDeleteOfTheirCluster() throws Exception {
    ClusterStore store = open();
    await("put", store.put(cluster("c1", "demo", T0)));
    await("putOperation", store.putOperation(operation("op-1", "c1", T0)));
    Backup b = backup("b-1", "c1", T0.plusSeconds(1));
    await("putBackup", store.putBackup(b));

    await("delete", store.delete("c1"));

    String outlive = "backups must outlive their cluster: ClusterStore.delete leaves them";
    assertThat(await("get", store.get("c1")))
        .as("ClusterStore.delete must remove the cluster")
        .isEmpty();
    assertThat(await("getBackup", store.getBackup("b-1"))).as(outlive).contains(b);
    assertThat(await("backups", store.backups("c1"))).as(outlive).containsExactly(b);
  }

  // ------------------------------------------------------------------------------ delete

  @Test
  void delete_removesTheCluster_itsOperations_andTheirJournals_only() throws Exception {
    ClusterStore store = open();
    await("put", store.put(cluster("c1", "demo", T0)));
    Cluster keep = await("put", store.put(cluster("c2", "keep", T0)));
    await("putOperation", store.putOperation(operation("op-1", "c1", T0)));
    await("putOperation", store.putOperation(operation("op-2", "c1", T0.plusSeconds(1))));
    Operation kept = operation("op-3", "c2", T0);
    await("putOperation", store.putOperation(kept));
    JournalEntry keptEntry = entry("op-3", "s1", Status.STARTED, T0);
    await(
        "appendJournal",
        store.appendJournal(
            List.of(
                entry("op-1", "s1", Status.STARTED, T0),
                entry("op-2", "s1", Status.STARTED, T0),
                keptEntry)));

    await("delete", store.delete("c1"));

    String purge =
        "ClusterStore.delete must remove the cluster, its operations and their " + "journals";
    assertThat(await("get", store.get("c1"))).as(purge).isEmpty();
    assertThat(await("operations", store.operations("c1"))).as(purge).isEmpty();
    assertThat(await("getOperation", store.getOperation("op-1"))).as(purge).isEmpty();
    assertThat(await("journal", store.journal("op-1"))).as(purge).isEmpty();
    assertThat(await("journal", store.journal("op-2"))).as(purge).isEmpty();
    String only = "ClusterStore.delete must leave other clusters, operations and journals alone";
    assertThat(await("get", store.get("c2"))).as(only).contains(keep);
    assertThat(await("operations", store.operations("c2"))).as(only).containsExactly(kept);
    assertThat(await("journal", store.journal("op-3"))).as(only).containsExactly(keptEntry);
    assertThat(await("list", store.list())).as(only).containsExactly(keep);
    assertThat(
            await("put(new record, deleted id)", store.put(cluster("c1", "again", T0))).version())
        .as(CAS + ": after delete the id has no record, so version 0 is free again")
        .isEqualTo(1);
  }

  @Test
  void delete_ofAMissingCluster_completesNormally() throws Exception {
    ClusterStore store = open();

    await("delete(unknown id)", store.delete("nope"));

    assertThat(await("list", store.list()))
        .as("ClusterStore.delete of a missing cluster must complete normally and change nothing")
        .isEmpty();
  }

  // -------------------------------------------------------------------- clients and close

  @Test
  void anotherClient_afterTheFirstIsClosed_seesTheSameRecords_andContinuesTheVersions()
      throws Exception {
    ClusterStore store = open();
    Cluster c = await("put", store.put(cluster("c1", "demo", T0)));
    Operation op = operation("op-1", "c1", T0);
    await("putOperation", store.putOperation(op));
    JournalEntry e = entry("op-1", "s1", Status.SUCCEEDED, T0.plusMillis(7));
    await("appendJournal", store.appendJournal(List.of(e)));
    Backup second = backup("b-2", "c1", T0.plusSeconds(1));
    Backup first = backup("b-1", "c1", T0);
    await("putBackup", store.putBackup(second));
    await("putBackup", store.putBackup(first));
    store.close();

    ClusterStore again = openAgain();

    String durable =
        "a completed ClusterStore stage means the write is durable: another client "
            + "must read it after the first was closed";
    assertThat(await("get", again.get("c1"))).as(durable).contains(c);
    assertThat(await("list", again.list())).as(durable).containsExactly(c);
    assertThat(await("getOperation", again.getOperation("op-1"))).as(durable).contains(op);
    assertThat(await("operations", again.operations("c1"))).as(durable).containsExactly(op);
    assertThat(await("journal", again.journal("op-1"))).as(durable).containsExactly(e);
    assertThat(await("getBackup", again.getBackup("b-2"))).as(durable).contains(second);
    assertThat(await("backups", again.backups("c1"))).as(durable).containsExactly(first, second);
    assertThat(
            failure(
                "put(version 0) through another client",
                () -> again.put(cluster("c1", "other", T0))))
        .as(CAS + ": between clients too")
        .isInstanceOf(VersionConflictException.class);
    assertThat(await("put(from version 1) through another client", again.put(c)).version())
        .as(CAS + ": between clients too")
        .isEqualTo(2);
  }

  @Test
  void closedStore_failsItsStages_andCloseIsIdempotent() throws Exception {
    ClusterStore store = open();
    Cluster c = await("put", store.put(cluster("c1", "demo", T0)));

    store.close();
    store.close();

    String closed = "a closed ClusterStore must fail the stage of every call";
    assertThat(failure("get on a closed store", () -> store.get("c1"))).as(closed).isNotNull();
    assertThat(failure("list on a closed store", store::list)).as(closed).isNotNull();
    assertThat(failure("put on a closed store", () -> store.put(c))).as(closed).isNotNull();
    assertThat(failure("delete on a closed store", () -> store.delete("c1")))
        .as(closed)
        .isNotNull();
    assertThat(
            failure(
                "putOperation on a closed store",
                () -> store.putOperation(operation("op-1", "c1", T0))))
        .as(closed)
        .isNotNull();
    assertThat(failure("getOperation on a closed store", () -> store.getOperation("op-1")))
        .as(closed)
        .isNotNull();
    assertThat(failure("operations on a closed store", () -> store.operations("c1")))
        .as(closed)
        .isNotNull();
    assertThat(
            failure(
                "appendJournal on a closed store",
                () -> store.appendJournal(List.of(entry("op-1", "s1", Status.STARTED, T0)))))
        .as(closed)
        .isNotNull();
    assertThat(failure("journal on a closed store", () -> store.journal("op-1")))
        .as(closed)
        .isNotNull();
    assertThat(
            failure("putBackup on a closed store", () -> store.putBackup(backup("b-1", "c1", T0))))
        .as(closed)
        .isNotNull();
    assertThat(failure("getBackup on a closed store", () -> store.getBackup("b-1")))
        .as(closed)
        .isNotNull();
    assertThat(failure("backups on a closed store", () -> store.backups("c1")))
        .as(closed)
        .isNotNull();
    assertThat(await("get through another client", openAgain().get("c1")))
        .as("closing a ClusterStore must not lose its records")
        .contains(c);
  }

  @Test
  void nullArguments_failTheStage_insteadOfThrowing() throws Exception {
    ClusterStore store = open();
    List<JournalEntry> withNull = new ArrayList<>();
    withNull.add(entry("op-1", "s1", Status.STARTED, T0));
    withNull.add(null);
    Map<String, Supplier<CompletionStage<?>>> calls = new LinkedHashMap<>();
    calls.put("get(null)", () -> store.get(null));
    calls.put("put(null)", () -> store.put(null));
    calls.put("named(null)", () -> store.named(null));
    calls.put("delete(null)", () -> store.delete(null));
    calls.put("putOperation(null)", () -> store.putOperation(null));
    calls.put("getOperation(null)", () -> store.getOperation(null));
    calls.put("operations(null)", () -> store.operations(null));
    calls.put("appendJournal(null)", () -> store.appendJournal(null));
    calls.put("appendJournal([entry, null])", () -> store.appendJournal(withNull));
    calls.put("journal(null)", () -> store.journal(null));
    calls.put("putBackup(null)", () -> store.putBackup(null));
    calls.put("getBackup(null)", () -> store.getBackup(null));
    calls.put("backups(null)", () -> store.backups(null));

    calls.forEach(
        (call, method) ->
            assertThat(failure(call, method))
                .as("ClusterStore.%s must fail its stage, not throw", call)
                .isNotNull());

    assertThat(await("list", store.list()))
        .as("calls refused for a null argument must change nothing")
        .isEmpty();
  }
}
