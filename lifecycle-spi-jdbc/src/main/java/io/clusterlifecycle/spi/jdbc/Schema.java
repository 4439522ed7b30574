package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.codec.RecordCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's tables and how to get an older database up to date.
 *
 * <p>{@code lifecycle_schema} holds one row per applied migration; the highest version is the
 * schema version. Each migration runs in a transaction of its own, under a lock that keeps two
 * processes opening the same database from migrating it at once; a database whose version is higher
 * than the code knows is refused. Migrations are only ever appended to {@link #MIGRATIONS}.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

  /** One step of the schema's history. */
  record Migration(int version, String description, List<String> statements) {}

  /** Ordered by version, starting at 1 without gaps; placeholders are filled by the dialect. */
  static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(
              1,
              "clusters, operations and the step journal",
              List.of(
                  """
          CREATE TABLE clusters (
            id ${key} PRIMARY KEY,
            name TEXT NOT NULL,
            namespace TEXT NOT NULL,
            state TEXT NOT NULL,
            version BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            doc TEXT NOT NULL)""",
                  "CREATE INDEX clusters_by_creation ON clusters (created_at, id)",
                  """
          CREATE TABLE operations (
            id ${key} PRIMARY KEY,
            cluster_id ${key} NOT NULL,
            created_at BIGINT NOT NULL,
            doc TEXT NOT NULL)""",
                  "CREATE INDEX operations_by_cluster ON operations (cluster_id, created_at, id)",
                  """
          CREATE TABLE journal (
            seq ${serial_key},
            operation_id ${key} NOT NULL,
            step_id TEXT NOT NULL,
            status TEXT NOT NULL,
            at TEXT NOT NULL,
            detail TEXT NOT NULL)""",
                  "CREATE INDEX journal_by_operation ON journal (operation_id, seq)")),
          new Migration(
              2,
              "backups, kept apart from their clusters",
              List.of(
                  """
          CREATE TABLE backups (
            id ${key} PRIMARY KEY,
            cluster_id ${key} NOT NULL,
            created_at BIGINT NOT NULL,
            doc TEXT NOT NULL)""",
                  "CREATE INDEX backups_by_cluster ON backups (cluster_id, created_at, id)")),
          new Migration(
              3,
              "clusters looked up by name",
              List.of("CREATE INDEX clusters_by_name ON clusters (name, created_at, id)")),
          new Migration(
              4,
              "clusters that name an operation, for take-over scans",
              List.of(
                  "ALTER TABLE clusters ADD COLUMN operation TEXT NOT NULL DEFAULT ''",
                  "UPDATE clusters SET operation = COALESCE(${doc_operation}, '')",
                  "CREATE INDEX clusters_busy ON clusters (created_at, id) WHERE operation <> ''")),
          new Migration(
              5,
              "the event log, numbered from one counter",
              List.of(
                  """
          CREATE TABLE events (
            seq ${seq_key},
            cluster_id ${key} NOT NULL,
            operation_id ${key},
            at TEXT NOT NULL,
            doc TEXT NOT NULL)""",
                  "CREATE INDEX events_by_cluster ON events (cluster_id, seq)",
                  "CREATE INDEX events_by_operation ON events (operation_id, seq)"
                      + " WHERE operation_id IS NOT NULL",
                  """
          CREATE TABLE event_sequence (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_seq BIGINT NOT NULL)""",
                  "INSERT INTO event_sequence (id, last_seq) VALUES (1, 0)")));

  /** The schema version this code creates and understands. */
  static final int VERSION = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

  private static final String CREATE_SCHEMA_TABLE =
      """
      CREATE TABLE IF NOT EXISTS lifecycle_schema (
        version INTEGER PRIMARY KEY,
        description TEXT NOT NULL,
        applied_at TEXT NOT NULL)""";

  private Schema() {}

  /**
   * Brings a database up to {@link #VERSION}.
   *
   * @param c a connection in auto-commit mode
   * @param dialect the database kind
   * @param errors names the store in messages
   * @return the version found before migrating, {@code 0} for a new database
   * @throws SQLException if the database fails
   * @throws LifecycleException if the database's schema is newer than {@link #VERSION}
   */
  static int migrate(Connection c, Dialect dialect, StoreErrors errors) throws SQLException {
    int found = -1;
    while (true) {
      dialect.begin(c);
      boolean committed = false;
      try {
        dialect.lockSchema(c);
        try (Statement s = c.createStatement()) {
          s.execute(CREATE_SCHEMA_TABLE);
        }
        int current = version(c);
        if (found < 0) {
          found = current;
        }
        if (current > VERSION) {
          throw new LifecycleException(
              "the cluster store "
                  + errors.where()
                  + " has schema version "
                  + current
                  + ", newer than version "
                  + VERSION
                  + " that this release of lifecycle-spi-jdbc knows: it was written by a newer "
                  + "release; upgrade the library, or open a copy of the store with the release "
                  + "that wrote it");
        }
        if (current == VERSION) {
          dialect.commit(c);
          committed = true;
          return found;
        }
        Migration m = MIGRATIONS.get(current);
        try (Statement s = c.createStatement()) {
          for (String statement : m.statements()) {
            s.execute(dialect.sql(statement));
          }
        }
        try (PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO lifecycle_schema (version, description, applied_at) VALUES (?, ?, ?)")) {
          p.setInt(1, m.version());
          p.setString(2, m.description());
          p.setString(3, RecordCodec.formatTime(Instant.now()));
          p.executeUpdate();
        }
        dialect.commit(c);
        committed = true;
        LOG.info(
            "cluster store {}: applied schema migration {} ({})",
            errors.where(),
            m.version(),
            m.description());
      } finally {
        if (!committed) {
          dialect.rollback(c);
        }
      }
    }
  }

  /**
   * Reads the applied schema version.
   *
   * @param c a connection to a database that has the {@code lifecycle_schema} table
   * @return the highest applied version, {@code 0} when none
   * @throws SQLException if the database fails
   */
  static int version(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM lifecycle_schema")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
