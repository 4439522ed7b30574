package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.codec.RecordCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's event log ({@link JdbcClusterStore#appendEvents}, {@link JdbcClusterStore#events}):
 * table {@code events}, one row per event, and the one-row counter {@code event_sequence} that
 * numbers them (schema version 5).
 *
 * <p><b>Numbers in commit order.</b> An append first adds the batch's size to {@code
 * event_sequence.last_seq} and takes the numbers below the new value, then inserts the events, all
 * in the transaction of its group commit. On PostgreSQL the {@code UPDATE} holds the counter's row
 * lock until that transaction ends; the next appender, in any process, waits for it and then reads
 * the committed value, so a transaction that takes higher numbers commits later, and PostgreSQL
 * makes a transaction visible before it releases its locks: once a reader sees an event, every
 * event with a smaller number is already visible (or rolled back, its numbers never used). On
 * SQLite the database has one writer at a time anyway. The counter only grows, so numbers are never
 * reused, even after a purge ({@link #purge}) or a failed append.
 *
 * <p><b>Which transaction.</b> On SQLite appends join the store's group commit with its other
 * writes: {@code BEGIN IMMEDIATE} takes the database's only write lock first, so nothing can
 * deadlock, and a second writer would only wait in SQLite's busy handler. On PostgreSQL appends get
 * a group commit of their own ({@link #separateWriter}), whose transactions touch nothing but the
 * counter and new event rows: a transaction holding the counter then never waits for a cluster row
 * another process's group holds while that group waits for the counter (a deadlock), and the
 * counter is held only for the events' inserts and the commit.
 *
 * <p><b>Rows.</b> {@code doc} is the event's {@link RecordCodec} JSON, written before the
 * transaction (so the counter is not held while encoding) and therefore with {@code seq} 0: the
 * {@code seq} column is the event's number. The JSON keeps times to the millisecond, so column
 * {@code at} keeps the event's time exactly ({@link Instant#toString()}, as the journal does). The
 * JSON writes an absent text as {@code ""}, which is read back as absent; since {@link
 * LifecycleEvent} already holds an empty text as absent, a row reads back as the event written, and
 * an append returns the given events with their numbers without decoding what it wrote. {@code
 * cluster_id} and {@code operation_id} (null for none) are what queries select by, through the
 * indexes {@code events_by_cluster} and {@code events_by_operation}; every query is ordered by the
 * primary key.
 */
final class EventLogTable {
  private final StoreErrors errors;

  /**
   * Creates the event log of one store.
   *
   * @param errors names the store in messages
   */
  EventLogTable(StoreErrors errors) {
    this.errors = errors;
  }

  /**
   * Tells whether appends need a group commit of their own rather than the store's (see the class
   * comment).
   *
   * @param dialect the database kind
   * @return true on PostgreSQL
   */
  static boolean separateWriter(Dialect dialect) {
    return dialect == Dialect.POSTGRESQL;
  }

  /**
   * Checks and encodes events to append, outside any transaction.
   *
   * @param events the events, in order
   * @return the append, to run inside a write transaction
   * @throws NullPointerException if {@code events} or one of them is null
   * @throws IllegalArgumentException if an event names no cluster
   */
  static Append append(List<LifecycleEvent> events) {
    if (events == null) {
      throw new NullPointerException("events");
    }
    List<Row> rows = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      LifecycleEvent e = events.get(i);
      if (e == null) {
        throw new NullPointerException("events: event " + i + " is null");
      }
      if (e.cluster().isEmpty()) {
        throw new IllegalArgumentException(
            "event "
                + i
                + " ("
                + e.event()
                + ") names no cluster: the event log keeps the events of clusters only; none of"
                + " the "
                + events.size()
                + " events was stored");
      }
      rows.add(
          new Row(
              e.cluster().get(),
              e.operation().orElse(null),
              e.ts().toString(),
              RecordCodec.write(e.withSeq(0)),
              e));
    }
    return new Append(List.copyOf(rows));
  }

  /** One event, ready to insert. */
  private record Row(
      String cluster, String operation, String at, String json, LifecycleEvent event) {}

  /** Events checked and encoded, to be numbered and stored in a transaction. */
  static final class Append {
    private final List<Row> rows;

    private Append(List<Row> rows) {
      this.rows = rows;
    }

    boolean isEmpty() {
      return rows.isEmpty();
    }

    /** What this append is, for messages. */
    String what() {
      return "append " + rows.size() + " events";
    }

    /**
     * Numbers the events and inserts them, inside the caller's transaction.
     *
     * @param c a connection in a write transaction
     * @return the events as stored, with their numbers, in order
     * @throws SQLException if the database fails
     */
    List<LifecycleEvent> apply(Connection c) throws SQLException {
      long last;
      try (PreparedStatement p =
          c.prepareStatement(
              "UPDATE event_sequence SET last_seq = last_seq + ? WHERE id = 1 RETURNING last_seq")) {
        p.setLong(1, rows.size());
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("table event_sequence has no row: it was changed by hand");
          }
          last = rs.getLong(1);
        }
      }
      long seq = last - rows.size();
      List<LifecycleEvent> stored = new ArrayList<>(rows.size());
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO events (seq, cluster_id, operation_id, at, doc)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        for (Row row : rows) {
          seq++;
          p.setLong(1, seq);
          p.setString(2, row.cluster());
          p.setString(3, row.operation());
          p.setString(4, row.at());
          p.setString(5, row.json());
          p.addBatch();
          stored.add(row.event().withSeq(seq));
        }
        p.executeBatch();
      }
      return List.copyOf(stored);
    }
  }

  /**
   * Describes a query, for messages.
   *
   * @param query the query
   * @return for example "read events of cluster c1 after 42"
   */
  static String describe(EventQuery query) {
    return "read events"
        + query.cluster().map(c -> " of cluster " + c).orElse("")
        + query.operation().map(o -> " of operation " + o).orElse("")
        + " after "
        + query.afterSeq();
  }

  /**
   * Reads the events a query selects.
   *
   * @param c a connection
   * @param query which events
   * @return them, by increasing number
   * @throws SQLException if the database fails
   */
  List<LifecycleEvent> read(Connection c, EventQuery query) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT seq, at, doc FROM events WHERE seq > ?");
    query.cluster().ifPresent(x -> sql.append(" AND cluster_id = ?"));
    query.operation().ifPresent(x -> sql.append(" AND operation_id = ?"));
    sql.append(" ORDER BY seq LIMIT ?");
    List<LifecycleEvent> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      int i = 1;
      p.setLong(i++, query.afterSeq());
      if (query.cluster().isPresent()) {
        p.setString(i++, query.cluster().get());
      }
      if (query.operation().isPresent()) {
        p.setString(i++, query.operation().get());
      }
      p.setInt(i, query.limit());
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(decode(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Drops a cluster's events, inside the caller's transaction; the counter is left as it is.
   *
   * @param c a connection in a write transaction
   * @param clusterId the cluster
   * @throws SQLException if the database fails
   */
  static void purge(Connection c, String clusterId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM events WHERE cluster_id = ?")) {
      p.setString(1, clusterId);
      p.executeUpdate();
    }
  }

  private LifecycleEvent decode(long seq, String at, String json) {
    try {
      return restore(RecordCodec.read(json, LifecycleEvent.class), seq, Instant.parse(at));
    } catch (IllegalArgumentException | DateTimeException | NullPointerException e) {
      throw new LifecycleException(
          "event "
              + seq
              + " in the cluster store "
              + errors.where()
              + " cannot be read ("
              + e.getMessage()
              + "); it was written by a newer release or changed by hand: restore the store from a"
              + " backup, or delete the event",
          e);
    }
  }

  /** An event as read from its JSON, with its number and exact time. */
  private static LifecycleEvent restore(LifecycleEvent e, long seq, Instant at) {
    return e.stamped(seq, at);
  }
}
