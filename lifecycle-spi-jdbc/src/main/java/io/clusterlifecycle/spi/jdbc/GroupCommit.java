package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.spi.jdbc.ConnectionPool.SqlWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The store's writes, committed in groups: the writes asked for while a transaction is being
 * written wait and go into the next transaction together, so concurrent operations share one {@code
 * COMMIT} (one {@code fsync} on SQLite) instead of paying one each.
 *
 * <p>Each write runs inside a savepoint of the group's transaction: a write that fails (a lost
 * compare-and-set, a constraint) is rolled back to its savepoint and fails alone, and the others
 * still commit. A write's stage completes only after the group's {@code COMMIT} returned, so a
 * completed stage still means the write is durable; a failed {@code COMMIT} fails every write of
 * the group, none of which is then stored. A process killed between the {@code COMMIT} and the
 * completions leaves a group that is stored whole but was never acknowledged, which is what the
 * engine already handles for a single write whose reply was lost.
 */
final class GroupCommit {
  /** The most writes in one transaction. */
  static final int MAX_GROUP = 500;

  private record Write<T>(String what, SqlWork<T> work, CompletableFuture<T> result) {
    void complete(Object value) {
      @SuppressWarnings("unchecked")
      T t = (T) value;
      result.complete(t);
    }
  }

  private final ConnectionPool pool;
  private final Dialect dialect;
  private final StoreErrors errors;
  private final Executor executor;
  private final Function<String, LifecycleException> closedError;
  private final ConcurrentLinkedQueue<Write<?>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicLong committed = new AtomicLong();

  GroupCommit(
      ConnectionPool pool,
      Dialect dialect,
      StoreErrors errors,
      Executor executor,
      Function<String, LifecycleException> closedError) {
    this.pool = pool;
    this.dialect = dialect;
    this.errors = errors;
    this.executor = executor;
    this.closedError = closedError;
  }

  /**
   * Queues a write for the next group.
   *
   * @param what the write, for messages
   * @param work the write; runs inside the group's transaction and must not begin or end one
   * @return completes after the group's commit with the work's result, or fails as it did
   */
  <T> CompletableFuture<T> submit(String what, SqlWork<T> work) {
    Write<T> w = new Write<>(what, work, new CompletableFuture<>());
    queue.add(w);
    startWriting();
    return w.result();
  }

  /** How many groups were committed so far. */
  long committed() {
    return committed.get();
  }

  private void startWriting() {
    if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::writeGroup);
    } catch (RejectedExecutionException e) {
      writing.set(false);
      for (Write<?> w = queue.poll(); w != null; w = queue.poll()) {
        w.result().completeExceptionally(closedError.apply(w.what()));
      }
    }
  }

  private void writeGroup() {
    List<Write<?>> group = new ArrayList<>();
    try {
      for (Write<?> w; group.size() < MAX_GROUP && (w = queue.poll()) != null; ) {
        group.add(w);
      }
      if (!group.isEmpty()) {
        write(group);
      }
    } finally {
      writing.set(false);
      startWriting();
    }
  }

  private void write(List<Write<?>> group) {
    Object[] results = new Object[group.size()];
    Throwable[] failures = new Throwable[group.size()];
    try {
      pool.withConnection(
          c -> {
            inTransaction(c, group, results, failures);
            return null;
          });
    } catch (SQLException e) {
      for (int i = 0; i < group.size(); i++) {
        failures[i] = errors.translate(group.get(i).what(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      for (int i = 0; i < group.size(); i++) {
        failures[i] = closedError.apply(group.get(i).what());
      }
    } catch (RuntimeException | Error e) {
      for (int i = 0; i < group.size(); i++) {
        failures[i] = e;
      }
    }
    for (int i = 0; i < group.size(); i++) {
      if (failures[i] != null) {
        group.get(i).result().completeExceptionally(failures[i]);
      } else {
        group.get(i).complete(results[i]);
      }
    }
  }

  /** Runs the group in one transaction, each write in a savepoint; commits what succeeded. */
  private void inTransaction(
      Connection c, List<Write<?>> group, Object[] results, Throwable[] failures)
      throws SQLException {
    dialect.begin(c);
    boolean committed = false;
    try {
      for (int i = 0; i < group.size(); i++) {
        Write<?> w = group.get(i);
        execute(c, "SAVEPOINT lc_write");
        try {
          results[i] = w.work().apply(c);
          execute(c, "RELEASE SAVEPOINT lc_write");
        } catch (SQLException e) {
          execute(c, "ROLLBACK TO SAVEPOINT lc_write");
          execute(c, "RELEASE SAVEPOINT lc_write");
          failures[i] = errors.translate(w.what(), e);
        } catch (RuntimeException e) {
          execute(c, "ROLLBACK TO SAVEPOINT lc_write");
          execute(c, "RELEASE SAVEPOINT lc_write");
          failures[i] = e;
        }
      }
      dialect.commit(c);
      committed = true;
      this.committed.incrementAndGet();
    } finally {
      if (!committed) {
        dialect.rollback(c);
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
