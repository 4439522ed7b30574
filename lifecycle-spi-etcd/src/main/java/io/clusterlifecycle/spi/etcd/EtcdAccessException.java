package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.api.error.LifecycleException;
import java.util.Objects;

/**
 * etcd refused the store, or the store refused etcd: a certificate that is not trusted, a wrong
 * password, a user without permission on the store's keys. Permanent: retrying does not help until
 * the settings change, which the message names. Never carries a password or a key.
 */
public final class EtcdAccessException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** What was refused. */
  public enum Reason {
    /** The server's certificate is not signed by a trusted authority, or names another host. */
    SERVER_NOT_TRUSTED,
    /** The server refused the client certificate, or asked for one and got none. */
    CLIENT_CERTIFICATE_REFUSED,
    /** One side speaks TLS and the other plain text. */
    TLS_MISMATCH,
    /** The TLS files could not be used: not PEM, an unsupported or encrypted key, a mismatch. */
    UNUSABLE_TLS_FILES,
    /** The user name or password is wrong. */
    AUTHENTICATION_FAILED,
    /** etcd has authentication on and the store gave no user. */
    AUTHENTICATION_REQUIRED,
    /** The store gave a user but etcd has authentication off. */
    AUTHENTICATION_NOT_ENABLED,
    /** The user may not read or write the keys the store uses. */
    PERMISSION_DENIED
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
  public EtcdAccessException(Reason reason, String message, Throwable cause) {
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
