package io.clusterlifecycle.spi.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's connections, held by a HikariCP pool of a fixed size. Every connection the pool opens
 * goes through the store's {@link Connector}, which sets the database's per-connection settings
 * (SQLite's pragmas) before the pool hands it out. A connection that broke is dropped and the pool
 * opens another for a later call. The store runs exactly as many threads as the pool has
 * connections, so a borrower only waits while a connection is being opened.
 */
final class ConnectionPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  /** Opens and configures a new connection. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  /** Work done with a borrowed connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T apply(Connection c) throws SQLException;
  }

  private final HikariDataSource dataSource;
  private final StoreErrors errors;

  /**
   * Creates the pool; it opens its connections in the background.
   *
   * @param size the number of connections
   * @param connector opens and configures each connection
   * @param connectTimeout how long a borrower waits for a connection to be opened before its call
   *     fails with the last connection failure
   * @param errors tells a broken connection from other failures
   */
  ConnectionPool(int size, Connector connector, Duration connectTimeout, StoreErrors errors) {
    this.errors = errors;
    HikariConfig config = new HikariConfig();
    // the name shows in HikariCP's log lines and thread names: never the URL (credentials)
    config.setPoolName("lifecycle-jdbc-pool-" + POOLS.incrementAndGet());
    config.setDataSource(new ConnectorDataSource(connector));
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setAutoCommit(true);
    config.setConnectionTimeout(connectTimeout.toMillis());
    // the store has just connected, checked and migrated the database itself: a pool that
    // cannot connect now reports it to the next call
    config.setInitializationFailTimeout(-1);
    this.dataSource = new HikariDataSource(config);
  }

  /**
   * Runs work with a connection of the pool.
   *
   * @param work the work; must leave the connection in auto-commit mode
   * @param <T> the result type
   * @return the work's result
   * @throws SQLException if connecting or the work failed; a connection that could not be opened
   *     fails with the driver's failure
   * @throws InterruptedException if interrupted while waiting for a connection
   */
  <T> T withConnection(SqlWork<T> work) throws SQLException, InterruptedException {
    try (Connection c = borrow()) {
      try {
        return work.apply(c);
      } catch (SQLException e) {
        if (isBroken(c, e)) {
          LOG.warn(
              "cluster store {}: dropping a broken connection: {}", errors.where(), e.getMessage());
          dataSource.evictConnection(c);
        }
        throw e;
      }
    }
  }

  private Connection borrow() throws SQLException, InterruptedException {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      if (Thread.interrupted()) {
        InterruptedException interrupted = new InterruptedException(e.getMessage());
        interrupted.initCause(e);
        throw interrupted;
      }
      // no connection in time: what failed is the driver's last attempt, if there was one
      if (e instanceof SQLTransientConnectionException && e.getCause() instanceof SQLException) {
        LOG.debug("cluster store {}: {}", errors.where(), e.getMessage());
        throw (SQLException) e.getCause();
      }
      throw e;
    }
  }

  private boolean isBroken(Connection c, SQLException e) {
    if (errors.classify(e) == Dialect.Kind.CONNECTION_LOST) {
      return true;
    }
    try {
      return !c.isValid(2);
    } catch (SQLException notValid) {
      return true;
    }
  }

  /** Closes the idle connections now and the busy ones when they come back. */
  @Override
  public void close() {
    dataSource.close();
  }

  /** Hands HikariCP the connections the store's connector opens. */
  private static final class ConnectorDataSource implements DataSource {
    private final Connector connector;
    private volatile int loginTimeoutSeconds;

    ConnectorDataSource(Connector connector) {
      this.connector = connector;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return connector.connect();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("the store passes its own credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
      // the store logs through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
      // the drivers' own connect timeouts apply (PostgreSQL: connectTimeout)
      this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
      return loginTimeoutSeconds;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("the store logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      if (iface.isInstance(this)) {
        return iface.cast(this);
      }
      throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return iface.isInstance(this);
    }
  }
}
