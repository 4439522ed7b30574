package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.spi.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Appends journal entries without holding up the steps they describe: entries recorded while a
 * write is under way are grouped into the next write, so a stage of a thousand steps costs a
 * handful of store transactions. {@link #flush()} completes once everything recorded before it is
 * durable; the engine flushes before it reports an operation's end.
 */
public final class JournalWriter {
  private final Function<List<JournalEntry>, CompletableFuture<Void>> append;
  private final List<JournalEntry> pending = new ArrayList<>();
  private final List<CompletableFuture<Void>> pendingDone = new ArrayList<>();
  private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
  private boolean writing;
  private Throwable failure;

  /**
   * @param append writes one group of entries durably
   * @param executor where the waiters of a large group are woken, a chunk at a time, so that what
   *     they go on to do (launching a stage's commands) runs on all of its threads
   */
  public JournalWriter(
      Function<List<JournalEntry>, CompletableFuture<Void>> append, Executor executor) {
    this.append = append;
    this.executor = executor;
  }

  /** How many waiters of one group one thread wakes. */
  static final int WAKE_CHUNK = 128;

  private final Executor executor;

  /**
   * Queues an entry; it is written with the next group.
   *
   * @return completes once the entry is durable, or fails with the write's error
   */
  public CompletableFuture<Void> record(JournalEntry entry) {
    CompletableFuture<Void> durable = new CompletableFuture<>();
    boolean start;
    synchronized (this) {
      pending.add(entry);
      pendingDone.add(durable);
      start = !writing;
      writing = true;
    }
    if (start) {
      write();
    }
    return durable;
  }

  /** Completes when every entry recorded so far is durable, or fails with the first write error. */
  public CompletableFuture<Void> flush() {
    synchronized (this) {
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      if (!writing) {
        return lastWrite;
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      flushWaiters.add(done);
      return done;
    }
  }

  private final List<CompletableFuture<Void>> flushWaiters = new ArrayList<>();

  private void write() {
    List<JournalEntry> batch;
    List<CompletableFuture<Void>> batchDone;
    synchronized (this) {
      batch = new ArrayList<>(pending);
      batchDone = new ArrayList<>(pendingDone);
      pending.clear();
      pendingDone.clear();
    }
    CompletableFuture<Void> w;
    try {
      w = append.apply(batch);
    } catch (RuntimeException e) {
      w = CompletableFuture.failedFuture(e);
    }
    w.whenComplete(
        (v, e) -> {
          boolean more;
          List<CompletableFuture<Void>> waiters = List.of();
          synchronized (this) {
            if (e != null && failure == null) {
              failure = e;
            }
            more = !pending.isEmpty();
            writing = more;
            lastWrite =
                failure == null
                    ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(failure);
            if (!more) {
              waiters = new ArrayList<>(flushWaiters);
              flushWaiters.clear();
            }
          }
          wake(batchDone, e);
          for (CompletableFuture<Void> f : waiters) {
            if (failure == null) {
              f.complete(null);
            } else {
              f.completeExceptionally(failure);
            }
          }
          if (more) {
            write();
          }
        });
  }

  /**
   * Completes the waiters of one group: beyond the first chunk, which the caller wakes, each chunk
   * is woken by a task of the executor (or by the caller if the executor refuses it).
   */
  private void wake(List<CompletableFuture<Void>> waiters, Throwable e) {
    for (int from = WAKE_CHUNK; from < waiters.size(); from += WAKE_CHUNK) {
      List<CompletableFuture<Void>> chunk =
          waiters.subList(from, Math.min(waiters.size(), from + WAKE_CHUNK));
      Futures.runOn(executor, () -> complete(chunk, e));
    }
    complete(waiters.subList(0, Math.min(waiters.size(), WAKE_CHUNK)), e);
  }

  private static void complete(List<CompletableFuture<Void>> waiters, Throwable e) {
    for (CompletableFuture<Void> f : waiters) {
      if (e == null) {
        f.complete(null);
      } else {
        f.completeExceptionally(e);
      }
    }
  }
}
