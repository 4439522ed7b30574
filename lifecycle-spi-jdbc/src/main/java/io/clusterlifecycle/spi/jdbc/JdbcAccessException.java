package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.error.LifecycleException;
import java.util.Objects;

/**
 * The database refused the store, or the store refused the database: a wrong password, a server
 * that takes this user only over TLS, a server certificate that is not trusted, a user without the
 * rights the store needs. Permanent: retrying does not help until the settings change, which the
 * message names. Never carries a password.
 */
public final class JdbcAccessException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** What was refused. */
  public enum Reason {
    /** The user name or password is wrong (PostgreSQL SQLState 28P01). */
    AUTHENTICATION_FAILED,
    /** The server lets this user in only over TLS ({@code hostssl} in pg_hba.conf). */
    TLS_REQUIRED,
    /** The server's configuration (pg_hba.conf) lets no such connection in (SQLState 28000). */
    NOT_ALLOWED,
    /** The server's certificate is not signed by the trusted CA, or does not name the host. */
    SERVER_NOT_TRUSTED,
    /** TLS was asked for and the server does not speak it. */
    TLS_NOT_SUPPORTED,
    /** The user may not create or write the store's tables (SQLState 42501). */
    PERMISSION_DENIED,
    /** The database named in the URL does not exist (SQLState 3D000). */
    DATABASE_MISSING,
    /** The SQLite file or its directory cannot be read or written by this process. */
    FILE_NOT_ACCESSIBLE
  }

  /** What was refused; part of the serialized form. */
  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason what was refused
   * @param message what happened and what to change; without secrets
   * @param cause the underlying failure, or null
   * @throws NullPointerException if {@code reason} is null
   */
  public JdbcAccessException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * What was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
