package io.clusterlifecycle.core.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RecordKeeperTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A store whose writes complete only when the test says, compare-and-set on the version. */
  private static final class HeldStore {
    final List<Cluster> written = new ArrayList<>();
    final List<CompletableFuture<Cluster>> replies = new ArrayList<>();
    long version = 1;

    synchronized CompletableFuture<Cluster> put(Cluster c) {
      written.add(c);
      CompletableFuture<Cluster> reply = new CompletableFuture<>();
      replies.add(reply);
      return reply;
    }

    /** Lands the oldest write not yet answered, or fails it as a conflict when it is stale. */
    void land(int i) {
      Cluster c;
      synchronized (this) {
        c = written.get(i);
      }
      if (c.version() != version) {
        replies
            .get(i)
            .completeExceptionally(new VersionConflictException(c.id(), c.version(), version));
        return;
      }
      version++;
      replies.get(i).complete(c.toBuilder().version(version).build());
    }
  }

  private final HeldStore store = new HeldStore();
  private final RecordKeeper keeper =
      new RecordKeeper(store::put, Clock.fixed(T0, ZoneOffset.UTC), cluster());

  private static Cluster cluster() {
    AppSpec spec =
        AppSpec.builder("app", "1.0").role("worker", r -> r.count(1).service("start", "s")).build();
    return Cluster.builder("c-1", "demo", spec, T0).build().toBuilder().version(1).build();
  }

  @Test
  void changesAskedForDuringAWrite_goIntoTheNextWrite_together() {
    CompletableFuture<Cluster> first = keeper.update(b -> b.labels(Map.of("a", "1")));
    CompletableFuture<Cluster> second = keeper.update(b -> b.env(Map.of("E", "1")));
    CompletableFuture<Cluster> third = keeper.update(b -> b.state(ClusterState.WARNING));
    assertThat(store.written).hasSize(1);

    store.land(0);
    assertThat(first).isCompletedWithValueMatching(c -> c.version() == 2);
    assertThat(store.written).hasSize(2);
    assertThat(second).isNotDone();

    store.land(1);
    assertThat(second).isCompletedWithValueMatching(c -> c.version() == 3);
    assertThat(third.join()).isSameAs(second.join());
    assertThat(keeper.current().labels()).containsEntry("a", "1");
    assertThat(keeper.current().env()).containsEntry("E", "1");
    assertThat(keeper.current().state()).isEqualTo(ClusterState.WARNING);
  }

  @Test
  void aFailedWrite_failsItsCallers_andLeavesTheRecordAsLastWritten() {
    CompletableFuture<Cluster> changed = keeper.update(b -> b.labels(Map.of("a", "1")));
    store.version = 7;
    store.land(0);

    assertThat(changed).isCompletedExceptionally();
    assertThat(keeper.current().version()).isEqualTo(1);
    assertThat(keeper.settled()).isCompleted();
  }

  @Test
  void aChangeNoLongerWanted_whenItsWriteIsMade_isDropped_andWritesNothing() {
    AtomicBoolean wanted = new AtomicBoolean(true);
    CompletableFuture<Cluster> first = keeper.update(b -> b.labels(Map.of("a", "1")));
    CompletableFuture<Cluster> renewal =
        keeper.update(b -> b.labels(Map.of("renewed", "yes")), wanted::get);
    CompletableFuture<Void> settled = keeper.settled();
    wanted.set(false);

    store.land(0);

    assertThat(store.written).as("no write for the dropped change").hasSize(1);
    assertThat(renewal).isCompletedWithValueMatching(c -> c.version() == 2);
    assertThat(first.join().labels()).doesNotContainKey("renewed");
    assertThat(settled).isCompleted();
    // the record's version is the one the next write is made from: it does not conflict
    CompletableFuture<Cluster> end = keeper.update(b -> b.state(ClusterState.WARNING));
    store.land(1);
    assertThat(end).isCompletedWithValueMatching(c -> c.version() == 3);
  }

  @Test
  void aDroppedChangeAlone_writesNothing_andSettlesAtOnce() {
    CompletableFuture<Cluster> dropped =
        keeper.update(b -> b.labels(Map.of("x", "y")), () -> false);

    assertThat(store.written).isEmpty();
    assertThat(dropped).isCompletedWithValueMatching(c -> c.version() == 1);
    assertThat(keeper.settled()).isCompleted();
    keeper.update(b -> b.labels(Map.of("a", "1")));
    assertThat(store.written).hasSize(1);
  }

  @Test
  void settled_waitsForTheWritesUnderWay() {
    keeper.update(b -> b.labels(Map.of("a", "1")));
    keeper.update(b -> b.labels(Map.of("a", "2")));
    CompletableFuture<Void> settled = keeper.settled();

    store.land(0);
    assertThat(settled).isNotDone();
    store.land(1);
    assertThat(settled).isCompleted();
    assertThat(keeper.current().labels()).containsEntry("a", "2");
  }
}
