package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the engine's events in the cluster store's event log (docs/design.md §8.3), behind the
 * operations: {@link #onEvent} only queues an event, and one write at a time appends everything
 * queued since the last one, so the steps never wait for the log and a busy stage costs few
 * transactions. Events that name no cluster stay with the listeners. A write that still fails after
 * the engine's retries drops its events with a warning: the journal, not the event log, is what
 * recovery reads.
 */
public final class EventRecorder implements EventListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  /** The most events one append carries. */
  static final int MAX_BATCH = 2_000;

  private final EngineContext ctx;
  private final Duration closeWait;
  private final List<LifecycleEvent> pending = new ArrayList<>();
  private final List<CompletableFuture<Void>> flushWaiters = new ArrayList<>();
  private final List<Runnable> written = new java.util.concurrent.CopyOnWriteArrayList<>();
  private boolean writing;

  /**
   * @param ctx the engine's store, retry and executor
   * @param closeWait how long {@link #close()} waits for queued events to be written
   */
  public EventRecorder(EngineContext ctx, Duration closeWait) {
    this.ctx = ctx;
    this.closeWait = closeWait;
  }

  @Override
  public void onEvent(LifecycleEvent event) {
    if (event.cluster().isEmpty()) {
      return;
    }
    boolean start;
    synchronized (this) {
      pending.add(event);
      start = !writing;
      writing = true;
    }
    if (start) {
      launch();
    }
  }

  /** Runs {@code action} after every append that stored events, on the thread that finished it. */
  public void onWritten(Runnable action) {
    written.add(action);
  }

  /** Stops running an action given to {@link #onWritten}. */
  public void removeOnWritten(Runnable action) {
    written.remove(action);
  }

  /** Completes once every event queued before the call was written or dropped. */
  public CompletableFuture<Void> flush() {
    synchronized (this) {
      if (!writing) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      flushWaiters.add(done);
      return done;
    }
  }

  /** Waits a bounded time for the queued events, so a closing process keeps its last ones. */
  @Override
  public void close() {
    if (closeWait.isZero()) {
      return;
    }
    try {
      flush().get(closeWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      int left;
      synchronized (this) {
        left = pending.size();
      }
      LOG.warn("closing with {} events not yet in the event log: {}", left, e.toString());
    }
  }

  private void write() {
    List<LifecycleEvent> batch;
    synchronized (this) {
      int n = Math.min(pending.size(), MAX_BATCH);
      batch = new ArrayList<>(pending.subList(0, n));
      pending.subList(0, n).clear();
    }
    ctx.retrying(() -> ctx.store().appendEvents(batch))
        .whenComplete(
            (stored, error) -> {
              if (error != null) {
                LOG.warn(
                    "could not keep {} events in the event log; listeners had them: {}",
                    batch.size(),
                    Failures.cause(error).toString());
              } else {
                for (Runnable action : written) {
                  try {
                    action.run();
                  } catch (RuntimeException e) {
                    LOG.warn("an event log follower failed; ignored", e);
                  }
                }
              }
              next();
            });
  }

  private void next() {
    List<CompletableFuture<Void>> woken = List.of();
    boolean more;
    synchronized (this) {
      more = !pending.isEmpty();
      if (!more) {
        writing = false;
        woken = new ArrayList<>(flushWaiters);
        flushWaiters.clear();
      }
    }
    if (more) {
      launch();
    }
    woken.forEach(f -> f.complete(null));
  }

  private void launch() {
    try {
      ctx.executor().execute(this::write);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      List<CompletableFuture<Void>> woken;
      int dropped;
      synchronized (this) {
        dropped = pending.size();
        pending.clear();
        writing = false;
        woken = new ArrayList<>(flushWaiters);
        flushWaiters.clear();
      }
      LOG.debug("engine closed; {} events not kept in the event log", dropped);
      woken.forEach(f -> f.complete(null));
    }
  }
}
