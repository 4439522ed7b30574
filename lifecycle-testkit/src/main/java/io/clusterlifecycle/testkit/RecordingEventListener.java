package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An {@link EventListener} that records every event it receives and checks the listener contract:
 * events arrive one at a time, with strictly increasing {@link LifecycleEvent#seq()}.
 *
 * <p>A breach is reported twice, because the engine logs and ignores what a listener throws: {@link
 * #onEvent} throws {@link IllegalStateException}, and every later call of {@link #events()} or
 * {@link #events(EventType)} throws {@link AssertionError} naming the first breach, so a test that
 * reads the events fails. The offending event is still recorded.
 *
 * <p>Thread-safe.
 */
public final class RecordingEventListener implements EventListener {
  private final Object lock = new Object();
  // guarded by lock
  private final List<LifecycleEvent> events = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private boolean any;
  private long highestSeq;
  private String firstBreach;

  private final AtomicInteger delivering = new AtomicInteger();

  /** Creates a listener that has received nothing. */
  public RecordingEventListener() {}

  /**
   * Records an event.
   *
   * @param event the event
   * @throws IllegalStateException if its sequence number is not above every earlier one, or another
   *     event is being delivered at the same time
   * @throws NullPointerException if {@code event} is null
   */
  @Override
  public void onEvent(LifecycleEvent event) {
    Objects.requireNonNull(event, "event");
    int concurrent = delivering.incrementAndGet();
    try {
      String breach = null;
      List<Waiter> satisfied = new ArrayList<>();
      synchronized (lock) {
        events.add(event);
        if (concurrent > 1) {
          breach =
              "event "
                  + event.seq()
                  + " ("
                  + event.event()
                  + ") was delivered while another event was being delivered";
        } else if (any && event.seq() <= highestSeq) {
          breach =
              "event "
                  + event.seq()
                  + " ("
                  + event.event()
                  + ") arrived after event "
                  + highestSeq
                  + ": sequence numbers must increase";
        }
        if (breach != null && firstBreach == null) {
          firstBreach = breach;
        }
        highestSeq = any ? Math.max(highestSeq, event.seq()) : event.seq();
        any = true;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
          Waiter w = it.next();
          if (w.future().isDone()) {
            it.remove();
          } else if (w.which().test(event)) {
            satisfied.add(w);
            it.remove();
          }
        }
      }
      satisfied.forEach(w -> w.future().complete(event));
      if (breach != null) {
        throw new IllegalStateException(breach);
      }
    } finally {
      delivering.decrementAndGet();
    }
  }

  /**
   * Returns the events received, in arrival order.
   *
   * @return a snapshot
   * @throws AssertionError if an event broke the listener contract
   */
  public List<LifecycleEvent> events() {
    synchronized (lock) {
      if (firstBreach != null) {
        throw new AssertionError("the event listener contract was broken: " + firstBreach);
      }
      return List.copyOf(events);
    }
  }

  /**
   * Returns the events of one kind received, in arrival order.
   *
   * @param type the kind of event
   * @return a snapshot
   * @throws AssertionError if an event broke the listener contract
   */
  public List<LifecycleEvent> events(EventType type) {
    Objects.requireNonNull(type, "type");
    return events().stream().filter(e -> e.event() == type).toList();
  }

  /**
   * Returns a future completed with the first event, already received or received later, that
   * matches; use it to wait for, say, {@link EventType#OPERATION_SUCCEEDED} without sleeping.
   *
   * @param which which event; called on the delivering thread, must be fast and not throw
   * @return completes with the event
   * @throws NullPointerException if {@code which} is null
   */
  public CompletableFuture<LifecycleEvent> whenReceived(Predicate<LifecycleEvent> which) {
    Objects.requireNonNull(which, "which");
    synchronized (lock) {
      for (LifecycleEvent e : events) {
        if (which.test(e)) {
          return CompletableFuture.completedFuture(e);
        }
      }
      CompletableFuture<LifecycleEvent> f = new CompletableFuture<>();
      waiters.add(new Waiter(which, f));
      return f;
    }
  }

  /**
   * Discards the events received so far. Order checking goes on from the highest sequence number
   * already seen, and a breach already seen is still reported.
   */
  public void clear() {
    synchronized (lock) {
      events.clear();
    }
  }

  private record Waiter(
      Predicate<LifecycleEvent> which, CompletableFuture<LifecycleEvent> future) {}
}
