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
                  + " is full or cannot be written ("
                  + cause
                  + "); free some space (check with df) and that the disk is writable, then"
                  + " retry",
              e);
      case NO_ACCESS, TLS_REFUSED -> refused(what, e, cause);
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

  private JdbcAccessException refused(String what, SQLException e, String cause) {
    JdbcAccessException.Reason reason = reason(e);
    return new JdbcAccessException(
        reason,
        "cannot "
            + what
            + ": access to the cluster store "
            + where
            + " was refused ("
            + cause
            + "); "
            + advice(reason),
        e);
  }

  private JdbcAccessException.Reason reason(SQLException e) {
    if (dialect == Dialect.SQLITE) {
      return JdbcAccessException.Reason.FILE_NOT_ACCESSIBLE;
    }
    String state = String.valueOf(e.getSQLState());
    String message = String.valueOf(e.getMessage());
    if (Dialect.isTlsFailure(e)) {
      return message.contains("does not support SSL")
          ? JdbcAccessException.Reason.TLS_NOT_SUPPORTED
          : JdbcAccessException.Reason.SERVER_NOT_TRUSTED;
    }
    return switch (state) {
      case "28P01" -> JdbcAccessException.Reason.AUTHENTICATION_FAILED;
      // PostgreSQL names the missing entry "..., no encryption" (before 12: "SSL off")
      case "28000" ->
          message.contains("no encryption") || message.contains("SSL off")
              ? JdbcAccessException.Reason.TLS_REQUIRED
              : JdbcAccessException.Reason.NOT_ALLOWED;
      case "3D000" -> JdbcAccessException.Reason.DATABASE_MISSING;
      default -> JdbcAccessException.Reason.PERMISSION_DENIED;
    };
  }

  private static String advice(JdbcAccessException.Reason reason) {
    return switch (reason) {
      case FILE_NOT_ACCESSIBLE ->
          "make the file and its directory readable and writable by this process";
      case AUTHENTICATION_FAILED ->
          "check the user name, the password and the database name, and that the user may "
              + "create and write tables in it";
      case TLS_REQUIRED ->
          "the server takes this user only over TLS: connect with sslmode=verify-full and the CA "
              + "certificate that signed the server's (JdbcClusterStore.Builder.tls(caFile), or "
              + "?sslmode=verify-full&sslrootcert=CA.pem in the URL)";
      case NOT_ALLOWED ->
          "the server's pg_hba.conf lets no such connection in: add an entry for this host, "
              + "user and database, or connect as a user it lets in";
      case SERVER_NOT_TRUSTED ->
          "give the CA certificate that signed the server's certificate (tls(caFile), or "
              + "sslrootcert= in the URL), and a URL whose host the certificate names";
      case TLS_NOT_SUPPORTED ->
          "the server speaks no TLS: turn on ssl with a certificate in its postgresql.conf";
      case DATABASE_MISSING -> "create the database, or correct its name in the URL";
      case PERMISSION_DENIED ->
          "check the user name, the password and the database name, and that the user may "
              + "create and write tables in it";
    };
  }

  static String describe(SQLException e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    if (e.getSQLState() != null) {
      s.append(", SQLState ").append(e.getSQLState());
    }
    return s.toString();
  }
}
