package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.sql.SQLException;

/**
 * Turns JDBC failures into the exceptions the SPI promises: {@link TransientSpiException} for those
 * worth retrying, a {@link LifecycleException} saying what to do for the others.
 */
final class StoreErrors {
  private final Dialect dialect;
  private final String where;
  private final String file;

  /**
   * Creates the translator of one store.
   *
   * @param dialect the database kind
   * @param where the store, for messages: its file or URL (without credentials)
   * @param file the SQLite file, or null
   */
  StoreErrors(Dialect dialect, String where, String file) {
    this.dialect = dialect;
    this.where = where;
    this.file = file;
  }

  String where() {
    return where;
  }

  Dialect.Kind classify(SQLException e) {
    return dialect.classify(e);
  }

  /**
   * Explains a failure.
   *
   * @param what what was being done, as a verb phrase ("store cluster c1")
   * @param e the failure
   * @return the exception to complete the stage with
   */
  LifecycleException translate(String what, SQLException e) {
    String cause = describe(e);
    return switch (dialect.classify(e)) {
      case TRANSIENT ->
          new TransientSpiException(
              "cannot "
                  + what
                  + ": the cluster store "
                  + where
                  + " is busy ("
                  + cause
                  + "); retry later",
              e);
      case CONNECTION_LOST ->
          new TransientSpiException(
              "cannot "
                  + what
                  + ": the connection to the cluster store "
                  + where
                  + " failed ("
                  + cause
                  + "); retry once the database is reachable",
              e);
      case DAMAGED -> damaged(cause, e);
      case DISK_FULL ->
          new LifecycleException(
              "cannot "
                  + what
                  + ": the disk of the cluster store "
                  + where
                  + " is full ("
                  + cause
                  + "); free some space and retry",
              e);
      case NO_ACCESS ->
          new LifecycleException(
              "cannot "
                  + what
                  + ": access to the cluster store "
                  + where
                  + " was refused ("
                  + cause
                  + "); "
                  + accessAdvice(),
              e);
      case DUPLICATE, OTHER ->
          new LifecycleException(
              "cannot "
                  + what
                  + " in the cluster store "
                  + where
                  + ": "
                  + cause
                  + "; check the database's log and that nothing but this store "
                  + "writes its tables",
              e);
    };
  }

  /**
   * The store file is not a sound database.
   *
   * @param why what is wrong with it
   * @param cause the underlying failure, or null
   * @return the exception
   */
  LifecycleException damaged(String why, Throwable cause) {
    return new LifecycleException(
        "the store file "
            + (file != null ? file : where)
            + " is damaged ("
            + why
            + "); restore it from a backup or move it away to start empty",
        cause);
  }

  private String accessAdvice() {
    return dialect == Dialect.SQLITE
        ? "make the file and its directory readable and writable by this process"
        : "check the user name, the password and the database name, and that the user may "
            + "create and write tables in it";
  }

  static String describe(SQLException e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    if (e.getSQLState() != null) {
      s.append(", SQLState ").append(e.getSQLState());
    }
    return s.toString();
  }
}
