package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
  public synchronized LifecycleEvent emit(LifecycleEvent.Builder builder) {
    LifecycleEvent event = builder.build(++seq, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    for (EventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("event listener {} threw on event {}; ignored", l, event.seq(), e);
      }
    }
    return event;
  }
}
