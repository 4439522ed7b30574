package io.clusterlifecycle.testkit.compat;

import static io.clusterlifecycle.testkit.compat.KitRecords.T0;
import static io.clusterlifecycle.testkit.compat.Stages.await;
import static io.clusterlifecycle.testkit.compat.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.state.OperationType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The kit's checks of the event log ({@link ClusterStore#appendEvents}, {@link
 * ClusterStore#events}): events read back equal the events written but for the number the store
 * gave them; numbers increase across batches, clients and reopening; queries select by cluster,
 * operation, position and limit; an event without a cluster is refused with nothing stored; a purge
 * drops a cluster's events; batches appended from several clients at once all get distinct numbers;
 * and a reader that follows the log while others append, resuming after the last number it saw,
 * misses none. Part of {@link ClusterStoreCompatibilityKit}; extend that class.
 */
public abstract class EventLogChecks extends ClusterStoreKitBase {
  private static final String NUMBERED =
      "ClusterStore.appendEvents must number events from one increasing sequence of the store, in"
          + " the order given, and read them back equal to what was written but for the number";
  private static final String FOLLOW =
      "once ClusterStore.events has returned an event, no event with a smaller number may appear"
          + " later: a reader resuming after the last number it saw must miss nothing";

  /** Creates the kit's state; only the kit's classes extend this one. */
  EventLogChecks() {}

  /** An event with every field filled in, of a cluster and an operation. */
  static LifecycleEvent event(String cluster, String operation, String message) {
    return LifecycleEvent.builder(EventType.COMMAND_FINISHED)
        .cluster(cluster)
        .operation(operation, OperationType.CREATE)
        .stage("start")
        .node("zk", cluster + "-zk-1")
        .service("start", 10)
        .exitCode(0)
        .path("/roles/zk")
        .transition(
            io.clusterlifecycle.api.state.NodeState.DEPLOYING,
            io.clusterlifecycle.api.state.NodeState.RUNNING)
        .message(message)
        .results(Map.of("leader", "true", "motd", "gr\u00fc\u00dfe \u2713 \"q\" \\"))
        .build(0, T0);
  }

  @Test
  void appendedEvents_areNumberedInOrder_andReadBackEqual() throws Exception {
    ClusterStore store = open();
    List<LifecycleEvent> given =
        List.of(
            event("c1", "op-1", "first"),
            event("c2", "op-2", "second"),
            event("c1", "op-1", "third"));
    List<LifecycleEvent> stored = await("appendEvents", store.appendEvents(given));
    assertThat(stored).as(NUMBERED).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(stored.get(i)).as(NUMBERED).isEqualTo(given.get(i).withSeq(stored.get(i).seq()));
      assertThat(stored.get(i).seq()).as(NUMBERED).isPositive();
    }
    assertThat(stored.get(1).seq()).as(NUMBERED).isGreaterThan(stored.get(0).seq());
    assertThat(stored.get(2).seq()).as(NUMBERED).isGreaterThan(stored.get(1).seq());
    List<LifecycleEvent> more =
        await("appendEvents", store.appendEvents(List.of(event("c2", "op-2", "fourth"))));
    assertThat(more.get(0).seq()).as(NUMBERED).isGreaterThan(stored.get(2).seq());

    List<LifecycleEvent> all = new ArrayList<>(stored);
    all.addAll(more);
    assertThat(await("events(all)", store.events(EventQuery.all()))).as(NUMBERED).isEqualTo(all);
    assertThat(await("events(c1)", store.events(EventQuery.cluster("c1"))))
        .as("events of one cluster must be exactly that cluster's, by number")
        .containsExactly(stored.get(0), stored.get(2));
    assertThat(await("events(op-2)", store.events(EventQuery.all().operation("op-2"))))
        .as("events of one operation must be exactly that operation's, by number")
        .containsExactly(stored.get(1), more.get(0));
    assertThat(await("events(after)", store.events(EventQuery.all().after(stored.get(1).seq()))))
        .as("events after a number must be exactly those with a greater number")
        .containsExactly(stored.get(2), more.get(0));
    assertThat(await("events(limit)", store.events(EventQuery.all().limit(2))))
        .as("a limit must return the oldest events first")
        .containsExactly(stored.get(0), stored.get(1));
    assertThat(await("events(c9)", store.events(EventQuery.cluster("c9"))))
        .as("a cluster without events has none")
        .isEmpty();
  }

  @Test
  void aSparseEvent_readsBackWithItsFieldsStillEmpty() throws Exception {
    ClusterStore store = open();
    LifecycleEvent sparse =
        LifecycleEvent.builder(EventType.DRIFT_FOUND).cluster("c1").message("MISSING").build(0, T0);
    LifecycleEvent stored = await("appendEvents", store.appendEvents(List.of(sparse))).get(0);
    assertThat(await("events", store.events(EventQuery.all())))
        .as(NUMBERED + "; fields without a value must stay empty")
        .containsExactly(sparse.withSeq(stored.seq()));
  }

  @Test
  void numbersKeepIncreasing_acrossClientsAndReopening() throws Exception {
    ClusterStore first = open();
    long a =
        await("appendEvents", first.appendEvents(List.of(event("c1", "op-1", "a")))).get(0).seq();
    ClusterStore second = openAgain();
    long b =
        await("appendEvents", second.appendEvents(List.of(event("c1", "op-1", "b")))).get(0).seq();
    first.close();
    ClusterStore third = openAgain();
    long c =
        await("appendEvents", third.appendEvents(List.of(event("c2", "op-2", "c")))).get(0).seq();
    assertThat(b).as(NUMBERED + ", also between clients").isGreaterThan(a);
    assertThat(c).as(NUMBERED + ", also after reopening").isGreaterThan(b);
    assertThat(await("events on another client", second.events(EventQuery.all())))
        .extracting(LifecycleEvent::seq)
        .as("what one client appended, another must read")
        .containsExactly(a, b, c);
  }

  @Test
  void anEventWithoutCluster_isRefused_andNothingIsStored() throws Exception {
    ClusterStore store = open();
    LifecycleEvent orphan = LifecycleEvent.builder(EventType.WARNING).message("x").build(0, T0);
    Throwable error =
        failure(
            "appendEvents with an event naming no cluster",
            () -> store.appendEvents(List.of(event("c1", "op-1", "kept?"), orphan)));
    assertThat(error)
        .as("an event naming no cluster must fail the stage with IllegalArgumentException")
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(await("events", store.events(EventQuery.all())))
        .as("a refused batch of events must store none of them")
        .isEmpty();
    assertThat(failure("events(null)", () -> store.events(null)))
        .as("a null query must fail the stage with NullPointerException")
        .isInstanceOf(NullPointerException.class);
    assertThat(failure("appendEvents(null)", () -> store.appendEvents(null)))
        .as("null events must fail the stage with NullPointerException")
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void delete_dropsTheClustersEvents_andNumbersStillIncrease() throws Exception {
    ClusterStore store = open();
    List<LifecycleEvent> stored =
        await(
            "appendEvents",
            store.appendEvents(List.of(event("c1", "op-1", "gone"), event("c2", "op-2", "kept"))));
    await("delete", store.delete("c1"));
    assertThat(await("events", store.events(EventQuery.all())))
        .as("ClusterStore.delete must drop the cluster's events and keep the others")
        .containsExactly(stored.get(1));
    long next =
        await("appendEvents", store.appendEvents(List.of(event("c1", "op-3", "again"))))
            .get(0)
            .seq();
    assertThat(next)
        .as("numbers must keep increasing after a purge: a reader resumes by number")
        .isGreaterThan(stored.get(1).seq());
  }

  @Test
  void concurrentAppends_fromTwoClients_getDistinctNumbers_andAFollowerMissesNone()
      throws Exception {
    ClusterStore first = open();
    ClusterStore second = openAgain();
    ClusterStore reader = openAgain();
    int threads = 8;
    int batches = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CyclicBarrier start = new CyclicBarrier(threads + 1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      List<Future<List<LifecycleEvent>>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        ClusterStore client = t % 2 == 0 ? first : second;
        String cluster = "c" + (t % 3);
        int thread = t;
        writers.add(
            pool.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  List<LifecycleEvent> mine = new ArrayList<>();
                  for (int i = 0; i < batches; i++) {
                    mine.addAll(
                        await(
                            "appendEvents",
                            client.appendEvents(
                                List.of(
                                    event(cluster, "op-" + thread, thread + "/" + i + "/a"),
                                    event(cluster, "op-" + thread, thread + "/" + i + "/b")))));
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
                      await("events", reader.events(EventQuery.all().after(after).limit(7)));
                  seen.addAll(page);
                  if (!page.isEmpty()) {
                    after = page.get(page.size() - 1).seq();
                    last = false;
                  }
                }
                return seen;
              });
      List<LifecycleEvent> written = new ArrayList<>();
      for (Future<List<LifecycleEvent>> w : writers) {
        written.addAll(w.get(120, TimeUnit.SECONDS));
      }
      writing.set(false);
      List<LifecycleEvent> seen = follower.get(120, TimeUnit.SECONDS);
      assertThat(written.stream().map(LifecycleEvent::seq).distinct().count())
          .as(NUMBERED + ": batches appended at once must get distinct numbers")
          .isEqualTo(threads * batches * 2L);
      written.sort(java.util.Comparator.comparingLong(LifecycleEvent::seq));
      assertThat(seen).as(FOLLOW).isEqualTo(written);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closedStore_failsEventCalls() throws Exception {
    ClusterStore store = open();
    store.close();
    assertThat(
            failure(
                "appendEvents on a closed store",
                () -> store.appendEvents(List.of(event("c1", "op-1", "x")))))
        .as("a closed ClusterStore must fail the stage of every call")
        .isNotNull();
    assertThat(failure("events on a closed store", () -> store.events(EventQuery.all())))
        .as("a closed ClusterStore must fail the stage of every call")
        .isNotNull();
  }
}
