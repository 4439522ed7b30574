package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.codec.RecordCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements that store records, shared by the single writes of {@link JdbcClusterStore} and
 * its batches: each runs inside the caller's transaction (a savepoint of a group commit) and never
 * begins or ends one.
 */
final class RecordWrites {
  private RecordWrites() {}

  /**
   * A cluster record encoded before its transaction, so that the store's one writer does not spend
   * its time in the codec.
   *
   * @param stored the record as it will be read back, at its version plus one
   * @param json its text
   * @param expected the version it replaces; 0 for a new record
   */
  record EncodedCluster(Cluster stored, String json, long expected) {}

  /**
   * Encodes a cluster record for {@link #cluster}, outside any transaction.
   *
   * @throws IllegalArgumentException if the codec cannot write it
   */
  static EncodedCluster encode(Cluster cluster) {
    long expected = cluster.version();
    String json = RecordCodec.write(cluster.withVersion(expected + 1));
    return new EncodedCluster(RecordCodec.read(json, Cluster.class), json, expected);
  }

  /**
   * Stores an encoded cluster record as a compare-and-set on its version.
   *
   * @return the record as stored, at its version plus one
   * @throws VersionConflictException when the stored version differs
   */
  static Cluster cluster(Connection c, EncodedCluster cluster) throws SQLException {
    if (cluster.expected() == 0) {
      insert(c, cluster.stored(), cluster.json());
    } else {
      update(c, cluster.stored(), cluster.json(), cluster.expected());
    }
    return cluster.stored();
  }

  /**
   * An operation record encoded before its transaction.
   *
   * @param operation the record
   * @param json its text
   */
  record EncodedOperation(Operation operation, String json) {}

  /**
   * Encodes operation records for {@link #operation}, outside any transaction.
   *
   * @throws IllegalArgumentException if the codec cannot write one
   */
  static List<EncodedOperation> encode(List<Operation> operations) {
    List<EncodedOperation> encoded = new ArrayList<>(operations.size());
    for (Operation operation : operations) {
      encoded.add(encode(operation));
    }
    return encoded;
  }

  /**
   * Encodes one operation record for {@link #operation}, outside any transaction.
   *
   * @throws IllegalArgumentException if the codec cannot write it
   */
  static EncodedOperation encode(Operation operation) {
    return new EncodedOperation(operation, RecordCodec.write(operation));
  }

  /** Stores an encoded operation record, replacing the one with its id. */
  static void operation(Connection c, EncodedOperation encoded) throws SQLException {
    Operation operation = encoded.operation();
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO operations (id, cluster_id, created_at, doc) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET cluster_id = excluded.cluster_id,"
                + " created_at = excluded.created_at, doc = excluded.doc")) {
      p.setString(1, operation.id());
      p.setString(2, operation.clusterId());
      p.setLong(3, operation.createdAt().toEpochMilli());
      p.setString(4, encoded.json());
      p.executeUpdate();
    }
  }

  /** Appends journal entries in order; nothing for an empty list. */
  static void journal(Connection c, List<JournalEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO journal"
                + " (operation_id, step_id, status, at, detail) VALUES (?, ?, ?, ?, ?)")) {
      for (JournalEntry e : entries) {
        p.setString(1, e.operationId());
        p.setString(2, e.stepId());
        p.setString(3, e.status().name());
        p.setString(4, e.at().toString());
        p.setString(5, e.detail().orElse(""));
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  private static void insert(Connection c, Cluster stored, String json) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO clusters"
                  + " (id, name, namespace, state, version, created_at, doc, operation)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                  + " ON CONFLICT (id) DO NOTHING")) {
        p.setString(1, stored.id());
        p.setString(2, stored.name());
        p.setString(3, stored.namespace());
        p.setString(4, stored.state().name());
        p.setLong(5, stored.version());
        p.setLong(6, stored.createdAt().toEpochMilli());
        p.setString(7, json);
        p.setString(8, stored.operation().orElse(""));
        if (p.executeUpdate() == 1) {
          return;
        }
      }
      long actual = storedVersion(c, stored.id());
      // actual 0: the record was deleted since the insert found it; insert again
      if (actual != 0 || attempt == 3) {
        throw new VersionConflictException(stored.id(), 0, actual);
      }
    }
  }

  private static void update(Connection c, Cluster stored, String json, long expected)
      throws SQLException {
    int rows;
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE clusters"
                + " SET name = ?, namespace = ?, state = ?, version = ?, created_at = ?, doc = ?,"
                + " operation = ? WHERE id = ? AND version = ?")) {
      p.setString(1, stored.name());
      p.setString(2, stored.namespace());
      p.setString(3, stored.state().name());
      p.setLong(4, stored.version());
      p.setLong(5, stored.createdAt().toEpochMilli());
      p.setString(6, json);
      p.setString(7, stored.operation().orElse(""));
      p.setString(8, stored.id());
      p.setLong(9, expected);
      rows = p.executeUpdate();
    }
    if (rows != 1) {
      throw new VersionConflictException(stored.id(), expected, storedVersion(c, stored.id()));
    }
  }

  private static long storedVersion(Connection c, String clusterId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT version FROM clusters WHERE id = ?")) {
      p.setString(1, clusterId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
