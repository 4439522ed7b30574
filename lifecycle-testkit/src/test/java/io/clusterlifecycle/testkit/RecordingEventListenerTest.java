package io.clusterlifecycle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RecordingEventListenerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final RecordingEventListener listener = new RecordingEventListener();

  private static LifecycleEvent event(long seq, EventType type) {
    return LifecycleEvent.builder(type).cluster("c1").build(seq, T0.plusMillis(seq));
  }

  @Test
  void recordsEventsInArrivalOrder_andFiltersByType() {
    listener.onEvent(event(1, EventType.OPERATION_STARTED));
    listener.onEvent(event(2, EventType.COMMAND_STARTED));
    listener.onEvent(event(5, EventType.COMMAND_FINISHED));
    listener.onEvent(event(9, EventType.COMMAND_STARTED));

    assertThat(listener.events()).extracting(LifecycleEvent::seq).containsExactly(1L, 2L, 5L, 9L);
    assertThat(listener.events(EventType.COMMAND_STARTED))
        .extracting(LifecycleEvent::seq)
        .containsExactly(2L, 9L);
    assertThat(listener.events(EventType.WARNING)).isEmpty();
  }

  @Test
  void clear_discardsEvents_butKeepsCheckingOrder() {
    listener.onEvent(event(1, EventType.OPERATION_STARTED));
    listener.onEvent(event(2, EventType.OPERATION_SUCCEEDED));
    listener.clear();
    assertThat(listener.events()).isEmpty();

    assertThatThrownBy(() -> listener.onEvent(event(2, EventType.WARNING)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anOutOfOrderEvent_isRefusedOnArrival_andFailsEveryLaterRead() {
    listener.onEvent(event(1, EventType.OPERATION_STARTED));
    listener.onEvent(event(3, EventType.STAGE_STARTED));

    assertThatThrownBy(() -> listener.onEvent(event(2, EventType.STAGE_FINISHED)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("event 2 (STAGE_FINISHED) arrived after event 3");
    // the engine swallows what a listener throws, so reading the events must fail too
    assertThatThrownBy(listener::events)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("event 2");
    assertThatThrownBy(() -> listener.events(EventType.STAGE_STARTED))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void aRepeatedSequenceNumber_isABreach() {
    listener.onEvent(event(4, EventType.OPERATION_STARTED));

    assertThatThrownBy(() -> listener.onEvent(event(4, EventType.OPERATION_STARTED)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(listener::events).isInstanceOf(AssertionError.class);
  }

  @Test
  void overlappingDeliveries_areABreach() throws Exception {
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // the predicate runs inside onEvent, so it holds the first delivery open
    listener.whenReceived(
        e -> {
          if (e.seq() == 1) {
            inFirst.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
          }
          return false;
        });
    Thread first = new Thread(() -> listener.onEvent(event(1, EventType.OPERATION_STARTED)));
    AtomicReference<Throwable> secondThrew = new AtomicReference<>();
    Thread second =
        new Thread(
            () -> {
              try {
                listener.onEvent(event(2, EventType.STAGE_STARTED));
              } catch (Throwable t) {
                secondThrew.set(t);
              }
            });
    first.start();
    assertThat(inFirst.await(10, TimeUnit.SECONDS)).isTrue();
    second.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (second.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    release.countDown();
    first.join(10_000);
    second.join(10_000);

    assertThat(secondThrew.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("while another event was being delivered");
    assertThatThrownBy(listener::events).isInstanceOf(AssertionError.class);
  }

  @Test
  void whenReceived_completesForPastAndFutureEvents() {
    listener.onEvent(event(1, EventType.OPERATION_STARTED));

    CompletableFuture<LifecycleEvent> past =
        listener.whenReceived(e -> e.event() == EventType.OPERATION_STARTED);
    CompletableFuture<LifecycleEvent> future =
        listener.whenReceived(e -> e.event() == EventType.OPERATION_SUCCEEDED);
    assertThat(past).isCompletedWithValueMatching(e -> e.seq() == 1);
    assertThat(future).isNotDone();

    listener.onEvent(event(2, EventType.OPERATION_SUCCEEDED));
    assertThat(future).isCompletedWithValueMatching(e -> e.seq() == 2);
  }
}
