package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.EventRecorder;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.Futures;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the store's event log for subscribers (docs/design.md §8.3): each subscription reads the
 * events after its position, as many as it asked for, then waits for the next poll, or for this
 * engine's next append to the log, whichever comes first. Signals to one subscriber never overlap;
 * a store failure is retried at the next poll; closing the engine completes every subscription.
 */
public final class EventFeed {
  private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);

  private static final Flow.Subscription ENDED =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };

  private final EngineContext ctx;
  private final EventRecorder recorder;
  private final Duration every;
  private final Set<Feed> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public EventFeed(EngineContext ctx, EventRecorder recorder, Duration every) {
    this.ctx = ctx;
    this.recorder = recorder;
    this.every = every;
  }

  /** A publisher of the events the query selects, from its position on. */
  public Flow.Publisher<LifecycleEvent> publisher(EventQuery query) {
    Objects.requireNonNull(query, "query");
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      if (closed) {
        subscriber.onSubscribe(ENDED);
        subscriber.onComplete();
        return;
      }
      Feed feed = new Feed(query, subscriber);
      subscriber.onSubscribe(feed);
      if (closed) {
        feed.finish();
      }
    };
  }

  /** Completes every subscription; later ones complete at once. */
  public void close() {
    closed = true;
    for (Feed f : List.copyOf(open)) {
      f.finish();
    }
  }

  private final class Feed implements Flow.Subscription {
    private final EventQuery query;
    private final Flow.Subscriber<? super LifecycleEvent> subscriber;
    private final Runnable nudge = this::poll;
    // guarded by this
    private long cursor;
    private long demand;
    private boolean polling;
    private boolean done;
    private Optional<Throwable> ending;
    private CompletableFuture<Void> timer;

    Feed(EventQuery query, Flow.Subscriber<? super LifecycleEvent> subscriber) {
      this.query = query;
      this.subscriber = subscriber;
      this.cursor = query.afterSeq();
      open.add(this);
      recorder.onWritten(nudge);
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        end(
            new IllegalArgumentException(
                "request(n) needs a positive n (Flow rule 3.9), was " + n));
        return;
      }
      synchronized (this) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      poll();
    }

    @Override
    public void cancel() {
      synchronized (this) {
        stop();
      }
    }

    /** Ends the subscription with onComplete, after a poll under way has delivered. */
    void finish() {
      end(null);
    }

    /** Ends the subscription with onError, or onComplete for null, once no poll is under way. */
    private void end(Throwable error) {
      boolean now;
      synchronized (this) {
        if (done || ending != null) {
          return;
        }
        now = !polling;
        if (now) {
          stop();
        } else {
          ending = Optional.ofNullable(error);
        }
      }
      if (now) {
        signalEnd(Optional.ofNullable(error));
      }
    }

    private void signalEnd(Optional<Throwable> error) {
      if (error.isPresent()) {
        subscriber.onError(error.get());
      } else {
        subscriber.onComplete();
      }
    }

    // holds this
    private void stop() {
      done = true;
      open.remove(this);
      recorder.removeOnWritten(nudge);
      if (timer != null) {
        timer.cancel(false);
      }
    }

    private void poll() {
      int most;
      long after;
      synchronized (this) {
        if (done || polling || demand == 0) {
          return;
        }
        polling = true;
        if (timer != null) {
          timer.cancel(false);
          timer = null;
        }
        most = (int) Math.min(demand, query.limit());
        after = cursor;
      }
      ctx.retrying(() -> ctx.store().events(query.after(after).limit(most)))
          .whenComplete((page, error) -> onExecutor(() -> delivered(page, error, most)));
    }

    private void delivered(List<LifecycleEvent> page, Throwable error, int most) {
      if (error != null) {
        LOG.debug(
            "could not read the event log; trying again: {}", Failures.cause(error).toString());
      } else {
        for (LifecycleEvent e : page) {
          synchronized (this) {
            if (done || ending != null) {
              break;
            }
            cursor = e.seq();
            demand = demand == Long.MAX_VALUE ? demand : demand - 1;
          }
          subscriber.onNext(e);
        }
      }
      boolean again;
      Optional<Throwable> end = null;
      synchronized (this) {
        polling = false;
        if (ending != null && !done) {
          end = ending;
          stop();
        }
        again = !done && error == null && page.size() == most && demand > 0;
      }
      if (end != null) {
        signalEnd(end);
      } else if (again) {
        poll();
      } else {
        schedule();
      }
    }

    /** Runs on the engine's executor, or here once the engine has shut it down. */
    private void onExecutor(Runnable delivery) {
      Futures.runOn(ctx.executor(), delivery);
    }

    private void schedule() {
      synchronized (this) {
        if (done || polling || demand == 0) {
          return;
        }
        CompletableFuture<Void> next = ctx.after(every);
        timer = next;
        next.thenRun(this::poll);
      }
    }
  }
}
