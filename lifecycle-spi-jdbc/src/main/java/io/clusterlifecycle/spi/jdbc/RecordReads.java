package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.codec.RecordCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The queries that read records back for {@link JdbcClusterStore}, on a connection the caller
 * holds; a record that cannot be decoded fails with a {@link LifecycleException} naming it and what
 * to do.
 */
final class RecordReads {
  private final StoreErrors errors;

  RecordReads(StoreErrors errors) {
    this.errors = errors;
  }

  /**
   * The record a query of its {@code doc} column by one id returns, if any.
   *
   * @param sql a query selecting {@code doc} with one parameter, the id
   * @param what the record, for messages ("cluster c1")
   */
  <T> Optional<T> one(Connection c, String sql, String id, Class<T> type, String what)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(decode(rs.getString(1), type, what)) : Optional.empty();
      }
    }
  }

  /**
   * The records a query of {@code id, doc} returns, in its order.
   *
   * @param sql a query selecting {@code id, doc}, with one parameter when {@code arg} is not null
   * @param kind the records' kind, for messages ("cluster")
   */
  <T> List<T> all(Connection c, String sql, String arg, Class<T> type, String kind)
      throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      if (arg != null) {
        p.setString(1, arg);
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(decode(rs.getString(2), type, kind + " " + rs.getString(1)));
        }
      }
    }
    return List.copyOf(out);
  }

  /** The journal of an operation, in the order it was appended. */
  List<JournalEntry> journal(Connection c, String operationId) throws SQLException {
    List<JournalEntry> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT seq, step_id, status, at, detail"
                + " FROM journal WHERE operation_id = ? ORDER BY seq")) {
      p.setString(1, operationId);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(journalEntry(operationId, rs));
        }
      }
    }
    return List.copyOf(out);
  }

  private JournalEntry journalEntry(String operationId, ResultSet rs) throws SQLException {
    long seq = rs.getLong(1);
    try {
      return JournalEntry.builder()
          .operationId(operationId)
          .stepId(rs.getString(2))
          .status(JournalEntry.Status.valueOf(rs.getString(3)))
          .at(Instant.parse(rs.getString(4)))
          .detail(rs.getString(5))
          .build();
    } catch (IllegalArgumentException | DateTimeException | NullPointerException e) {
      throw new LifecycleException(
          "journal entry "
              + seq
              + " of operation "
              + operationId
              + " in the cluster store "
              + errors.where()
              + " cannot be read ("
              + e.getMessage()
              + "); it was written by a newer release or changed by hand: restore the store from a "
              + "backup",
          e);
    }
  }

  private <T> T decode(String json, Class<T> type, String what) {
    try {
      return RecordCodec.read(json, type);
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(
          "the record of "
              + what
              + " in the cluster store "
              + errors.where()
              + " cannot be read ("
              + e.getMessage()
              + "); it was written by a "
              + "newer release or changed by hand: restore the store from a backup, or delete the "
              + "record",
          e);
    }
  }
}
