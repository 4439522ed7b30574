package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers events and delivers them to the listeners one at a time, in order. A listener that throws
 * is logged and skipped; it never fails an operation.
 */
public final class EventBus {
  private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

  private final Clock clock;
  private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
  private long seq;

  public EventBus(Clock clock, List<EventListener> listeners) {
    this.clock = clock;
    this.listeners.addAll(listeners);
  }

  public void add(EventListener listener) {
    listeners.add(listener);
  }

  public void remove(EventListener listener) {
    listeners.remove(listener);
  }

  /** Stamps and delivers one event. */
  public LifecycleEvent emit(LifecycleEvent.Builder builder) {
    return emit(builder, UnaryOperator.identity());
  }

  /**
   * Stamps one event, passes its message through {@code scrub} (which masks an operation's secret
   * values, docs/design.md §11) and delivers it.
   */
  public synchronized LifecycleEvent emit(
      LifecycleEvent.Builder builder, UnaryOperator<String> scrub) {
    LifecycleEvent event =
        scrubbed(builder.build(++seq, clock.instant().truncatedTo(ChronoUnit.MILLIS)), scrub);
    for (EventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("event listener {} threw on event {}; ignored", l, event.seq(), e);
      }
    }
    return event;
  }

  private static LifecycleEvent scrubbed(LifecycleEvent e, UnaryOperator<String> scrub) {
    Optional<String> message = e.message().map(scrub);
    if (message.equals(e.message())) {
      return e;
    }
    return new LifecycleEvent(
        e.seq(),
        e.ts(),
        e.event(),
        e.cluster(),
        e.operation(),
        e.opType(),
        e.stage(),
        e.role(),
        e.node(),
        e.service(),
        e.order(),
        e.exitCode(),
        e.path(),
        e.from(),
        e.to(),
        message,
        e.results());
  }
}
