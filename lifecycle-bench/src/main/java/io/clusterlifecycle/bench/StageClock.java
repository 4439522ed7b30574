package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Notes the monotonic time of every stage start and end, to show where an operation's time beyond
 * its critical path goes. The engine's own event times are in milliseconds of the wall clock; this
 * listener reads {@link System#nanoTime()} when the event is delivered (the engine delivers
 * synchronously). Meant for one operation at a time. Thread-safe.
 */
public final class StageClock implements EventListener {

  /**
   * One stage's span.
   *
   * @param name the stage
   * @param startNanos {@link System#nanoTime()} at its start
   * @param endNanos {@link System#nanoTime()} at its end
   */
  public record Span(String name, long startNanos, long endNanos) {
    /**
     * How long the stage took.
     *
     * @return milliseconds
     */
    public double millis() {
      return (endNanos - startNanos) / 1e6;
    }
  }

  private final List<Span> spans = new ArrayList<>();
  private String open;
  private long openedAt;

  @Override
  public synchronized void onEvent(LifecycleEvent event) {
    if (event.event() == EventType.STAGE_STARTED) {
      open = event.stage().orElse(null);
      openedAt = System.nanoTime();
    } else if (event.event() == EventType.STAGE_FINISHED && open != null) {
      spans.add(new Span(open, openedAt, System.nanoTime()));
      open = null;
    }
  }

  /**
   * The stages that finished so far.
   *
   * @return spans in order
   */
  public synchronized List<Span> spans() {
    return List.copyOf(spans);
  }
}
