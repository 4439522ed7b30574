package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.error.LifecycleException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the database of a {@link JdbcClusterStore}: picks the dialect from the builder's file or
 * URL, checks the driver, creates a missing SQLite file complete with its schema, checks an
 * existing one, migrates the schema and makes the connection pool. Failures say what to change.
 */
final class StoreOpening {
  // logged under the store's name, as before this class was split from it
  private static final Logger LOG = LoggerFactory.getLogger(JdbcClusterStore.class);
  private static final String SQLITE_PREFIX = "jdbc:sqlite:";
  private static final Duration POOL_CONNECT_MARGIN = Duration.ofSeconds(5);

  private StoreOpening() {}

  /**
   * What an opened store is made of.
   *
   * @param dialect the database's kind
   * @param errors how its failures are reported
   * @param pool its connections
   */
  record Opened(Dialect dialect, StoreErrors errors, ConnectionPool pool) {}

  /**
   * Connects to the database the builder chose, creating a missing SQLite file with its schema,
   * checking an existing one, and migrating the schema, on a connection of its own; then makes the
   * pool.
   */
  static Opened open(JdbcClusterStore.Builder b) {
    Path file = b.file;
    String url = b.url;
    Dialect dialect;
    if (file != null) {
      dialect = Dialect.SQLITE;
    } else {
      dialect =
          Dialect.of(b.url)
              .orElseThrow(
                  () ->
                      new LifecycleException(
                          "unsupported JDBC URL "
                              + redact(b.url)
                              + ": the cluster store runs on SQLite (jdbc:sqlite:<file>) and "
                              + "PostgreSQL (jdbc:postgresql://<host>[:<port>]/<database>)"));
      if (dialect == Dialect.SQLITE) {
        file = sqliteFile(url);
      }
    }
    if (file != null) {
      file = file.toAbsolutePath().normalize();
      url = SQLITE_PREFIX + file;
    }
    StoreErrors errors =
        new StoreErrors(
            dialect,
            file != null ? "file " + file : redact(url),
            file != null ? file.toString() : null);
    requireDriver(url, dialect);
    Properties props = dialect.connectionProperties(b.user, b.password);
    if (b.trustedCa != null) {
      if (dialect != Dialect.POSTGRESQL) {
        throw new IllegalStateException(
            "tls(caFile) is for PostgreSQL; a SQLite store is a local file");
      }
      props.setProperty("sslmode", "verify-full");
      props.setProperty("sslrootcert", b.trustedCa.toAbsolutePath().toString());
    }
    String connectUrl = url;
    Duration busyTimeout = b.busyTimeout;
    ConnectionPool.Connector connector = () -> connect(connectUrl, props, dialect, busyTimeout);
    // checked and migrated on a connection of its own, so that a failure is reported at once
    // and as it is (the pool would retry it until its connect timeout)
    try {
      if (file != null) {
        createIfAbsent(file, props, busyTimeout, errors);
      }
      try (Connection first = connector.connect()) {
        if (file != null) {
          check(first, file, errors);
        }
        int found = Schema.migrate(first, dialect, errors);
        LOG.debug(
            "opened cluster store {} (schema version {}, found {})",
            errors.where(),
            Schema.VERSION,
            found);
      }
    } catch (SQLException e) {
      throw errors.translate("open the store", e);
    }
    return new Opened(
        dialect,
        errors,
        new ConnectionPool(
            b.poolSize, connector, poolConnectTimeout(dialect, busyTimeout), errors));
  }

  /**
   * How long a call waits for the pool to open a connection: a new SQLite connection may wait up to
   * the busy timeout for its pragmas; a PostgreSQL one, up to the driver's connect timeout.
   */
  private static Duration poolConnectTimeout(Dialect dialect, Duration busyTimeout) {
    return (dialect == Dialect.SQLITE ? busyTimeout : Dialect.CONNECT_TIMEOUT)
        .plus(POOL_CONNECT_MARGIN);
  }

  private static Connection connect(
      String url, Properties props, Dialect dialect, Duration busyTimeout) throws SQLException {
    Connection c = DriverManager.getConnection(url, props);
    try {
      dialect.configure(c, busyTimeout);
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private static void requireDriver(String url, Dialect dialect) {
    try {
      DriverManager.getDriver(url);
    } catch (SQLException e) {
      throw new LifecycleException(
          "no JDBC driver for "
              + redact(url)
              + " on the class path; "
              + "add "
              + (dialect == Dialect.POSTGRESQL
                  ? "org.postgresql:postgresql"
                  : "org.xerial:sqlite-jdbc")
              + " to the application's dependencies",
          e);
    }
  }

  private static Path sqliteFile(String url) {
    String rest = url.substring(SQLITE_PREFIX.length());
    if (rest.isBlank() || rest.startsWith(":") || rest.startsWith("file:") || rest.contains("?")) {
      throw new LifecycleException(
          "unsupported SQLite URL "
              + url
              + ": give a file path without "
              + "options, jdbc:sqlite:<path> (the store sets its own pragmas; an in-memory database "
              + "is not durable: tests can use InMemoryClusterStore from lifecycle-testkit)");
    }
    return Path.of(rest);
  }

  /** The URL without its query, which may hold a password. */
  private static String redact(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  /**
   * Creates a missing SQLite file complete with its schema: built under a temporary name and linked
   * into place (no replacing), so the store file never exists empty or half-made. An existing empty
   * file is therefore damaged (cut off), never new.
   */
  private static void createIfAbsent(
      Path file, Properties props, Duration busyTimeout, StoreErrors errors) throws SQLException {
    Path dir = file.getParent();
    try {
      Files.createDirectories(dir);
      if (Files.exists(file)) {
        if (Files.size(file) == 0) {
          throw errors.damaged(
              "it is empty: it was cut off, or was not created by this store", null);
        }
        return;
      }
      Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".new");
      try {
        try (Connection c = connect(SQLITE_PREFIX + tmp, props, Dialect.SQLITE, busyTimeout)) {
          Schema.migrate(c, Dialect.SQLITE, errors);
          try (Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
          }
        }
        try {
          Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
          LOG.debug("{} was created by another process meanwhile; opening that one", file);
        } catch (UnsupportedOperationException | IOException e) {
          // no hard links on this file system: a plain move, which does not replace either
          try {
            Files.move(tmp, file);
          } catch (FileAlreadyExistsException exists) {
            LOG.debug("{} was created by another process meanwhile; opening that one", file);
          }
        }
        syncDirectory(dir);
        LOG.info("created cluster store file {}", file);
      } finally {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
          Files.deleteIfExists(Path.of(tmp + suffix));
        }
      }
    } catch (IOException e) {
      throw new LifecycleException(
          "cannot create the store file "
              + file
              + " ("
              + e
              + "); make its directory writable by this process",
          e);
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot sync directory {}: {}", dir, e.toString());
    }
  }

  /** Checks an existing SQLite file's structure and length before it is used. */
  private static void check(Connection c, Path file, StoreErrors errors) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
      while (rs.next()) {
        String line = rs.getString(1);
        if (!"ok".equalsIgnoreCase(line) && problems.size() < 5) {
          problems.add(line);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw errors.damaged("PRAGMA quick_check found: " + String.join("; ", problems), null);
    }
    long pageSize;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA page_size")) {
      pageSize = rs.next() ? rs.getLong(1) : 0;
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new LifecycleException(
          "cannot read the size of the store file "
              + file
              + " ("
              + e
              + "); make it readable by this process",
          e);
    }
    // SQLite reads a page cut short as zeros and quick_check may not notice: check the length
    if (pageSize > 0 && size % pageSize != 0) {
      throw errors.damaged(
          "its length, "
              + size
              + " bytes, is not a whole number of "
              + pageSize
              + "-byte pages: its end was cut off",
          null);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.debug("closing a connection failed: {}", e.getMessage());
      }
    }
  }
}
