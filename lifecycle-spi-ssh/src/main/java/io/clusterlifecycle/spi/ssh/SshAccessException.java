package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.error.LifecycleException;
import java.util.Objects;

/**
 * A host refused the executor, or the executor refused the host: a host key that is unknown,
 * changed or not pinned, a login key the host does not accept, a key file that cannot be read.
 * Permanent: retrying does not help until the settings change, which the message names. No command
 * ran. Never carries key material, only fingerprints.
 */
public final class SshAccessException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** What was refused. */
  public enum Reason {
    /** The known-hosts file does not list the host ({@link HostKeyCheck#STRICT}). */
    HOST_KEY_UNKNOWN,
    /** The known-hosts file lists the host with other keys: a new host key, or an impostor. */
    HOST_KEY_CHANGED,
    /**
     * The host presented a key that is not one of the pinned keys ({@link HostKeyCheck#PINNED}).
     */
    HOST_KEY_NOT_PINNED,
    /** The host did not accept the login key for the user. */
    AUTHENTICATION_FAILED,
    /** The private key file (or the known-hosts file) could not be read or parsed. */
    UNUSABLE_KEY
  }

  /** What was refused; part of the serialized form. */
  private final Reason reason;

  /** The host, as {@code user@host:port}; part of the serialized form. */
  private final String host;

  /**
   * Creates the exception.
   *
   * @param reason what was refused
   * @param host the host as {@code user@host:port}
   * @param message what happened and what to change; without secrets
   * @param cause the underlying failure, or null
   * @throws NullPointerException if {@code reason} or {@code host} is null
   */
  public SshAccessException(Reason reason, String host, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.host = Objects.requireNonNull(host, "host");
  }

  /**
   * What was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The host the connection was for.
   *
   * @return {@code user@host:port}
   */
  public String host() {
    return host;
  }
}
