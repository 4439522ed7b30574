package io.clusterlifecycle.spi.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What differs between the databases the store runs on: column types in the schema, how a write
 * transaction starts, connection settings, and what an error code means. Everything else is plain
 * SQL shared by both.
 */
enum Dialect {
  /**
   * SQLite through {@code org.xerial:sqlite-jdbc}. Connections stay in auto-commit mode and write
   * transactions start with {@code BEGIN IMMEDIATE}, which takes the database's write lock at once
   * (waiting up to the busy timeout), so a transaction never fails half-way because another process
   * wrote in between.
   */
  SQLITE(
      "SQLite",
      "jdbc:sqlite:",
      Map.of(
          "key", "TEXT",
          "serial_key", "INTEGER PRIMARY KEY AUTOINCREMENT",
          // the rowid: the events are stored in the order of their numbers
          "seq_key", "INTEGER PRIMARY KEY",
          "doc_operation", "json_extract(doc, '$.operation')")) {
    @Override
    Properties connectionProperties(String user, String password) {
      return new Properties();
    }

    @Override
    void configure(Connection c, Duration busyTimeout) throws SQLException {
      try (Statement s = c.createStatement()) {
        // the busy timeout first: the other pragmas may need a lock another process holds
        s.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
        try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
          String mode = rs.next() ? rs.getString(1) : "unknown";
          if (!"wal".equalsIgnoreCase(mode)) {
            LOG.warn(
                "SQLite kept journal mode {} instead of WAL (is the file on a network file "
                    + "system?); writes stay durable but readers wait for writers",
                mode);
          }
        }
        s.execute("PRAGMA synchronous = FULL");
        s.execute("PRAGMA foreign_keys = ON");
      }
    }

    @Override
    void begin(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
    }

    @Override
    void commit(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    }

    @Override
    void rollback(Connection c) {
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      } catch (SQLException e) {
        // no transaction was open (BEGIN itself failed), or the connection is gone
      }
    }

    @Override
    void lockSchema(Connection c) {
      // BEGIN IMMEDIATE already holds the only write lock there is
    }

    @Override
    Kind classify(SQLException e) {
      return switch (e.getErrorCode() & 0xff) {
        case SQLITE_BUSY, SQLITE_LOCKED -> Kind.TRANSIENT;
        case SQLITE_CORRUPT, SQLITE_NOTADB -> Kind.DAMAGED;
        case SQLITE_CONSTRAINT -> {
          String m = String.valueOf(e.getMessage());
          yield m.contains("PRIMARYKEY") || m.contains("UNIQUE") ? Kind.DUPLICATE : Kind.OTHER;
        }
        // a full disk often shows as an I/O error first (growing the -shm or -wal file)
        case SQLITE_FULL, SQLITE_IOERR -> Kind.DISK_FULL;
        case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM -> Kind.NO_ACCESS;
        // the driver throws no SQLTransientException; the pool does when no connection came
        default -> e instanceof SQLTransientException ? Kind.TRANSIENT : Kind.OTHER;
      };
    }
  },

  /**
   * PostgreSQL through {@code org.postgresql:postgresql}. Ids are compared byte-wise ({@code
   * COLLATE "C"}) so that ties in creation time are broken the same way as on SQLite, whatever the
   * database's locale. The migration lock is a transaction-scoped advisory lock.
   */
  POSTGRESQL(
      "PostgreSQL",
      "jdbc:postgresql:",
      Map.of(
          "key", "TEXT COLLATE \"C\"",
          "serial_key", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
          "seq_key", "BIGINT PRIMARY KEY",
          "doc_operation", "(doc::jsonb ->> 'operation')")) {
    @Override
    Properties connectionProperties(String user, String password) {
      Properties p = new Properties();
      if (user != null) {
        p.setProperty("user", user);
      }
      if (password != null) {
        p.setProperty("password", password);
      }
      p.setProperty("ApplicationName", "lifecycle");
      p.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
      p.setProperty("tcpKeepAlive", "true");
      return p;
    }

    @Override
    void configure(Connection c, Duration busyTimeout) {
      // READ COMMITTED (the default) is what compare-and-set by "UPDATE ... WHERE version = ?"
      // needs: a concurrent update waits for the other transaction and then sees its version.
    }

    @Override
    void begin(Connection c) throws SQLException {
      c.setAutoCommit(false);
    }

    @Override
    void commit(Connection c) throws SQLException {
      c.commit();
      c.setAutoCommit(true);
    }

    @Override
    void rollback(Connection c) {
      try {
        c.rollback();
        c.setAutoCommit(true);
      } catch (SQLException e) {
        // the connection is gone; the pool replaces it
      }
    }

    @Override
    void lockSchema(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
      }
    }

    @Override
    Kind classify(SQLException e) {
      String state = String.valueOf(e.getSQLState());
      if (state.equals("23505")) {
        return Kind.DUPLICATE;
      }
      // before the connection states: the driver reports a refused handshake as 08xxx
      if (isTlsFailure(e)) {
        return Kind.TLS_REFUSED;
      }
      if (state.startsWith("08") || state.startsWith("57P0")) {
        return Kind.CONNECTION_LOST;
      }
      if (state.equals("40001") || state.equals("40P01") || state.equals("53300")) {
        return Kind.TRANSIENT;
      }
      if (state.equals("28P01")
          || state.equals("28000")
          || state.equals("42501")
          || state.equals("3D000")) {
        return Kind.NO_ACCESS;
      }
      if (state.equals("53100")) {
        return Kind.DISK_FULL;
      }
      if (e instanceof SQLRecoverableException) {
        return Kind.CONNECTION_LOST;
      }
      return e instanceof SQLTransientException ? Kind.TRANSIENT : Kind.OTHER;
    }
  };

  /** What a failure means for the caller. */
  enum Kind {
    /** Worth retrying: the database was busy, a lock or serialization conflict. */
    TRANSIENT,
    /** Worth retrying on a new connection: this one is broken. */
    CONNECTION_LOST,
    /** A row with that key exists. */
    DUPLICATE,
    /** The database file is not a sound SQLite database. */
    DAMAGED,
    /** No space left, or the file could not be written (an I/O error). */
    DISK_FULL,
    /** Not allowed to open or write, or the database does not exist. */
    NO_ACCESS,
    /** The TLS handshake failed: the server's certificate was refused, or it speaks no TLS. */
    TLS_REFUSED,
    /** Anything else: a bug or a misconfiguration. */
    OTHER
  }

  static final int SQLITE_PERM = 3;
  static final int SQLITE_BUSY = 5;
  static final int SQLITE_LOCKED = 6;
  static final int SQLITE_READONLY = 8;
  static final int SQLITE_IOERR = 10;
  static final int SQLITE_CORRUPT = 11;
  static final int SQLITE_FULL = 13;
  static final int SQLITE_CANTOPEN = 14;
  static final int SQLITE_CONSTRAINT = 19;
  static final int SQLITE_NOTADB = 26;

  /** How long a PostgreSQL connection attempt may take (the driver's connectTimeout). */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Key of the PostgreSQL advisory lock that serialises migrations ("lifecycl" in ASCII). */
  static final long SCHEMA_LOCK_KEY = 0x6c6966656379636cL;

  private static final Logger LOG = LoggerFactory.getLogger(Dialect.class);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

  private final String displayName;
  private final String urlPrefix;
  private final Map<String, String> types;

  Dialect(String displayName, String urlPrefix, Map<String, String> types) {
    this.displayName = displayName;
    this.urlPrefix = urlPrefix;
    this.types = types;
  }

  /**
   * Finds the dialect of a JDBC URL.
   *
   * @param jdbcUrl the URL
   * @return the dialect, or empty when the URL is of no database this store knows
   */
  static Optional<Dialect> of(String jdbcUrl) {
    for (Dialect d : values()) {
      if (jdbcUrl.regionMatches(true, 0, d.urlPrefix, 0, d.urlPrefix.length())) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /**
   * Tells a failed TLS set-up (an untrusted or misnamed server certificate, a server without TLS,
   * an unreadable CA file) from other connection failures, which are worth retrying.
   */
  static boolean isTlsFailure(SQLException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException
          || c instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    String m = String.valueOf(e.getMessage());
    return m.startsWith("SSL error")
        || m.contains("could not be verified by hostnameverifier")
        || m.contains("does not support SSL")
        || m.contains("SSL root certificate");
  }

  String displayName() {
    return displayName;
  }

  /**
   * Fills the {@code ${key}}, {@code ${serial_key}}, {@code ${seq_key}} (a 64-bit primary key the
   * store numbers itself) and {@code ${doc_operation}} (the operation a cluster's JSON names)
   * placeholders of a schema statement.
   *
   * @param template the statement
   * @return the statement for this database
   */
  String sql(String template) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String type = types.get(m.group(1));
      if (type == null) {
        throw new IllegalArgumentException("unknown placeholder " + m.group() + " in " + template);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(type));
    }
    return m.appendTail(out).toString();
  }

  /** The driver properties of a new connection (never logged: they hold the password). */
  abstract Properties connectionProperties(String user, String password);

  /** Sets up a new connection, before its first use. */
  abstract void configure(Connection c, Duration busyTimeout) throws SQLException;

  /** Starts a write transaction. */
  abstract void begin(Connection c) throws SQLException;

  /** Commits the transaction {@link #begin} started and goes back to auto-commit. */
  abstract void commit(Connection c) throws SQLException;

  /** Rolls back the transaction {@link #begin} started, if any; never throws. */
  abstract void rollback(Connection c);

  /** Inside a transaction: waits until no other process is migrating the schema. */
  abstract void lockSchema(Connection c) throws SQLException;

  /** Tells what a failure means. */
  abstract Kind classify(SQLException e);
}
