package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.core.LifecycleEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event log: events kept in the store, read back and followed (design §8.3). */
class EventLogTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private Cluster create(LifecycleEngine engine, String name) {
    return engine.create(
        CreateCluster.builder(
                AppSpec.builder("db", "1.0")
                    .role("db", r -> r.count(2).service("start", "s"))
                    .build(),
                name)
            .build());
  }

  /** Collects what a subscription delivers; requests {@code batch} at a time. */
  static final class Collector implements Flow.Subscriber<LifecycleEvent> {
    final List<LifecycleEvent> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    final CompletableFuture<Void> completed = new CompletableFuture<>();
    private final int batch;
    volatile Flow.Subscription subscription;
    private int sinceRequest;

    Collector(int batch) {
      this.batch = batch;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(batch);
    }

    @Override
    public void onNext(LifecycleEvent item) {
      got.add(item);
      if (++sinceRequest == batch) {
        sinceRequest = 0;
        subscription.request(batch);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      completed.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      completed.complete(null);
    }
  }

  @Test
  void theEventsOfAnOperation_areKeptInTheStore_inOrder_withIncreasingNumbers() {
    Cluster c = create(h.engine, "kv");

    await()
        .untilAsserted(
            () ->
                assertThat(h.engine.events(EventQuery.cluster(c.id())))
                    .extracting(LifecycleEvent::event)
                    .contains(EventType.OPERATION_SUCCEEDED));
    List<LifecycleEvent> kept = h.engine.events(EventQuery.cluster(c.id()));
    List<LifecycleEvent> heard =
        h.events.events().stream().filter(e -> e.cluster().isPresent()).toList();
    assertThat(kept).hasSameSizeAs(heard);
    for (int i = 0; i < kept.size(); i++) {
      assertThat(kept.get(i)).isEqualTo(heard.get(i).withSeq(kept.get(i).seq()));
    }
    assertThat(kept).extracting(LifecycleEvent::seq).isSorted().doesNotHaveDuplicates();
    assertThat(kept.get(0).event()).isEqualTo(EventType.OPERATION_STARTED);
    String op = kept.get(0).operation().orElseThrow();
    assertThat(h.engine.events(EventQuery.cluster(c.id()).operation(op))).isEqualTo(kept);
    assertThat(h.engine.events(EventQuery.cluster(c.id()).after(kept.get(2).seq()).limit(3)))
        .isEqualTo(kept.subList(3, 6));
    assertThatThrownBy(() -> h.engine.events(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aSubscriber_followsOperationsOfAnotherEngine_andResumesWhereItStopped() throws Exception {
    LifecycleEngine other = h.engine(b -> b.eventPollInterval(Duration.ofMillis(50)));
    LifecycleEngine watcher = h.engine(b -> b.eventPollInterval(Duration.ofMillis(50)));
    try {
      Collector first = new Collector(3);
      watcher.subscribe(EventQuery.all()).subscribe(first);
      Cluster a = create(other, "a");
      await()
          .until(
              () -> first.got.stream().anyMatch(e -> e.event() == EventType.OPERATION_SUCCEEDED));
      first.subscription.cancel();
      long stoppedAt = first.got.get(first.got.size() - 1).seq();
      assertThat(first.got).extracting(LifecycleEvent::seq).isSorted().doesNotHaveDuplicates();
      assertThat(first.got).allMatch(e -> e.cluster().orElseThrow().equals(a.id()));

      Cluster b = create(other, "b");
      other.delete(DeleteCluster.of(a.id()));
      Collector resumed = new Collector(1000);
      watcher.subscribe(EventQuery.cluster(b.id()).after(0)).subscribe(resumed);
      Collector again = new Collector(2);
      watcher.subscribe(EventQuery.all().after(stoppedAt)).subscribe(again);
      await()
          .untilAsserted(
              () ->
                  assertThat(again.got)
                      .extracting(LifecycleEvent::event)
                      .contains(EventType.OPERATION_SUCCEEDED));
      List<LifecycleEvent> all = other.events(EventQuery.all().after(stoppedAt));
      await().untilAsserted(() -> assertThat(again.got).isEqualTo(all));
      assertThat(all).anyMatch(e -> e.cluster().orElseThrow().equals(b.id()));
      await()
          .untilAsserted(
              () -> assertThat(resumed.got).isEqualTo(other.events(EventQuery.cluster(b.id()))));
      assertThat(first.got.size()).isGreaterThan(3);
    } finally {
      other.close();
      watcher.close();
    }
  }

  @Test
  void closingTheEngine_completesItsSubscriptions_andABadRequestIsAnError() throws Exception {
    LifecycleEngine watcher = h.engine(b -> b);
    Collector open = new Collector(10);
    watcher.subscribe(EventQuery.all()).subscribe(open);
    Collector bad = new Collector(10);
    watcher.subscribe(EventQuery.all()).subscribe(bad);
    bad.subscription.request(0);
    assertThat(bad.completed)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .withMessageContaining("positive n");

    watcher.close();

    assertThat(open.completed).succeedsWithin(Duration.ofSeconds(5));
    Collector late = new Collector(10);
    watcher.subscribe(EventQuery.all()).subscribe(late);
    assertThat(late.completed).succeedsWithin(Duration.ofSeconds(5));
  }

  @Test
  void anEngineThatCloses_keepsItsLastEvents() {
    LifecycleEngine brief = h.engine(b -> b);
    Cluster c = create(brief, "brief");
    brief.close();

    List<LifecycleEvent> kept = h.engine.events(EventQuery.cluster(c.id()));
    assertThat(kept).isNotEmpty();
    assertThat(kept.get(kept.size() - 1).event()).isEqualTo(EventType.OPERATION_SUCCEEDED);
  }
}
