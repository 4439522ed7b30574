package io.clusterlifecycle.api.event;

/**
 * Receives every {@link LifecycleEvent} of an engine, in order.
 *
 * <p>Contract: the engine calls {@link #onEvent} from its own threads, one event at a time, in
 * {@link LifecycleEvent#seq()} order. Implementations must be fast (hand slow work to a queue) and
 * must not throw; an exception thrown is logged and otherwise ignored.
 */
@FunctionalInterface
public interface EventListener {

  /** A listener that ignores every event. */
  EventListener NONE = event -> {};

  /**
   * Receives one event.
   *
   * @param event the event
   */
  void onEvent(LifecycleEvent event);
}
