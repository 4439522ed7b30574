package io.clusterlifecycle.spi.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of connections handed out through a queue. A slot is (re)connected when it is
 * borrowed empty, so a connection that broke is replaced by the next call that needs one. The
 * store runs exactly as many threads as there are slots, so a borrower never waits long.
 */
final class ConnectionPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);

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

  /** A place for one connection; empty until first used or after its connection broke. */
  private static final class Slot {
    Connection connection;
  }

  private final Connector connector;
  private final StoreErrors errors;
  private final BlockingQueue<Slot> free;
  private volatile boolean closed;

  /**
   * Creates the pool.
   *
   * @param size the number of connections
   * @param first an open connection to use for the first slot, or null
   * @param connector opens the others
   * @param errors tells a broken connection from other failures
   */
  ConnectionPool(int size, Connection first, Connector connector, StoreErrors errors) {
    this.connector = connector;
    this.errors = errors;
    this.free = new ArrayBlockingQueue<>(size);
    for (int i = 0; i < size; i++) {
      Slot s = new Slot();
      if (i == 0) {
        s.connection = first;
      }
      free.add(s);
    }
  }

  /**
   * Runs work with a connection of the pool.
   *
   * @param work the work; must leave the connection in auto-commit mode
   * @param <T> the result type
   * @return the work's result
   * @throws SQLException if connecting or the work failed
   * @throws InterruptedException if interrupted while waiting for a connection
   */
  <T> T withConnection(SqlWork<T> work) throws SQLException, InterruptedException {
    Slot slot = free.take();
    try {
      if (slot.connection == null) {
        slot.connection = connector.connect();
      }
      try {
        return work.apply(slot.connection);
      } catch (SQLException e) {
        if (isBroken(slot.connection, e)) {
          LOG.warn("cluster store {}: dropping a broken connection: {}", errors.where(),
              e.getMessage());
          closeQuietly(slot.connection);
          slot.connection = null;
        }
        throw e;
      }
    } finally {
      if (closed && slot.connection != null) {
        closeQuietly(slot.connection);
        slot.connection = null;
      }
      free.add(slot);
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
    closed = true;
    Slot s;
    List<Slot> idle = new ArrayList<>();
    while ((s = free.poll()) != null) {
      idle.add(s);
    }
    for (Slot slot : idle) {
      if (slot.connection != null) {
        closeQuietly(slot.connection);
        slot.connection = null;
      }
      free.add(slot);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("closing a connection failed: {}", e.getMessage());
    }
  }
}
