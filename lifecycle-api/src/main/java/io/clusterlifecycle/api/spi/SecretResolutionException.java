package io.clusterlifecycle.api.spi;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spec.SecretRef;
import java.util.Objects;

/**
 * A {@link SecretResolver} could not give a secret's value. Permanent: the step that needed the
 * secret fails with this message. The message names the reference and what to change, and never
 * contains a value.
 */
public class SecretResolutionException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** Why a reference has no value. */
  public enum Reason {
    /** The resolver does not handle the reference's scheme. */
    UNKNOWN_SCHEME,
    /** Nothing is at the reference: no such variable, file or key. */
    NOT_FOUND,
    /** Something is there but cannot be read (permissions, I/O, not a regular file, too large). */
    UNREADABLE,
    /** The value is kept where others can read it (a file readable by its group or by anyone). */
    INSECURE
  }

  /** The reference; not serialized. */
  private final transient SecretRef reference;

  /** Why the reference has no value. */
  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reference the reference that could not be resolved
   * @param reason why
   * @param detail what to change, without any value; may be empty
   * @throws NullPointerException if an argument is null
   */
  public SecretResolutionException(SecretRef reference, Reason reason, String detail) {
    super(
        "secret reference "
            + Objects.requireNonNull(reference, "reference")
            + " cannot be resolved ("
            + Objects.requireNonNull(reason, "reason").name().toLowerCase(java.util.Locale.ROOT)
            + ")"
            + (Objects.requireNonNull(detail, "detail").isEmpty() ? "" : ": " + detail));
    this.reference = reference;
    this.reason = reason;
  }

  /**
   * Returns the reference that could not be resolved.
   *
   * @return the reference, or null after deserialization
   */
  public SecretRef reference() {
    return reference;
  }

  /**
   * Returns why the reference has no value.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
