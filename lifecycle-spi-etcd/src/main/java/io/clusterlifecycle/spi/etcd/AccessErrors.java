package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.spi.etcd.EtcdAccessException.Reason;
import io.grpc.Status;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Recognises, in a failed etcd call, a refusal that retrying cannot mend (TLS, authentication,
 * permission) and explains it as an {@link EtcdAccessException} saying what to change. Messages
 * name files and the user, never the password.
 */
final class AccessErrors {
  /**
   * {@code HTTP/1.0 400} in hex: a TLS server's answer to a plain-text client, as gRPC dumps it.
   */
  private static final String HTTP_400_HEX = "485454502f312e3020343030";

  private final String where;
  private final String prefix;
  private final EtcdSecurity security;

  /**
   * Creates the translator of one store.
   *
   * @param where the store's endpoints, for messages
   * @param prefix the key prefix the store reads and writes, for messages
   * @param security the store's settings, or null when the caller built the client
   */
  AccessErrors(String where, String prefix, EtcdSecurity security) {
    this.where = where;
    this.prefix = prefix;
    this.security = security;
  }

  /**
   * Explains a failure if it is a refusal.
   *
   * @param what what was being done, as a verb phrase
   * @param failure the failure, unwrapped
   * @return the exception, or empty when the failure is of another kind
   */
  Optional<EtcdAccessException> explain(String what, Throwable failure) {
    String messages = messages(failure);
    String lower = messages.toLowerCase(Locale.ROOT);
    String head = "cannot " + what + " in etcd " + where + ": ";
    if (lower.contains("invalid user id or password")) {
      return refused(
          Reason.AUTHENTICATION_FAILED,
          head
              + "etcd refused user"
              + user()
              + ": wrong user name or password; give the password etcd has for that user "
              + "(etcdctl user passwd changes it)",
          failure);
    }
    if (lower.contains("user name not found")) {
      return refused(
          Reason.AUTHENTICATION_FAILED,
          head
              + "etcd has no such user"
              + user()
              + " (without a user, etcd takes the client certificate's common name); give an "
              + "existing user and its password",
          failure);
    }
    if (lower.contains("user name is empty")) {
      return refused(
          Reason.AUTHENTICATION_REQUIRED,
          head
              + "etcd has authentication enabled and the store gave no user; give the user and "
              + "password of a role that may read and write "
              + prefixRange(),
          failure);
    }
    if (lower.contains("authentication is not enabled")) {
      return refused(
          Reason.AUTHENTICATION_NOT_ENABLED,
          head
              + "a user was given"
              + user()
              + " but etcd has authentication disabled; drop the user and password, or enable "
              + "authentication in etcd (etcdctl auth enable)",
          failure);
    }
    if (EtcdCalls.code(failure) == Status.Code.PERMISSION_DENIED
        || lower.contains("permission denied")) {
      return refused(
          Reason.PERMISSION_DENIED,
          head
              + "etcd denied the user"
              + user()
              + " access to "
              + prefixRange()
              + "; grant the user a role with read and write on that prefix (etcdctl role "
              + "grant-permission ROLE --prefix=true readwrite "
              + prefix
              + "; etcdctl user grant-role USER ROLE)",
          failure);
    }
    if (lower.contains("not an ssl/tls record")) {
      return refused(
          Reason.TLS_MISMATCH,
          head
              + "the server speaks plain text, not TLS; write etcd://HOST:PORT (http://), or "
              + "start etcd with --cert-file and --key-file and https client URLs",
          failure);
    }
    if (lower.contains(HTTP_400_HEX)
        || lower.contains("client sent an http request to an https server")) {
      return refused(
          Reason.TLS_MISMATCH,
          head
              + "the server speaks TLS and the store plain text; write etcds://HOST:PORT "
              + "(https://) and give the CA certificate that signed the server's certificate",
          failure);
    }
    if (!hasSslFailure(failure)) {
      return Optional.empty();
    }
    if (lower.contains("pkix")
        || lower.contains("certification path")
        || lower.contains("certpath")
        || lower.contains("subject alternative name")
        || lower.contains("no name matching")
        || lower.contains("hostname")) {
      return refused(
          Reason.SERVER_NOT_TRUSTED,
          head
              + "the server's certificate is not trusted ("
              + firstLine(messages)
              + "); give as trusted CA certificates "
              + (security != null && security.trustedCertificates().isPresent()
                  ? "the CA that signed it instead of " + security.trustedCertificates().get()
                  : "the CA that signed it")
              + ", and make sure the certificate names the host in the address",
          failure);
    }
    if (lower.contains("bad_certificate")
        || lower.contains("certificate_required")
        || lower.contains("unknown_ca")
        || lower.contains("certificate_unknown")
        || lower.contains("handshake_failure")
        || lower.contains("access_denied")) {
      return refused(
          Reason.CLIENT_CERTIFICATE_REFUSED,
          head
              + "the server refused the client certificate ("
              + firstLine(messages)
              + "); give a client certificate and key signed by the CA etcd trusts "
              + "(its --trusted-ca-file)"
              + (security != null && security.clientCertificate().isPresent()
                  ? ", not " + security.clientCertificate().get()
                  : ""),
          failure);
    }
    return refused(
        Reason.SERVER_NOT_TRUSTED,
        head
            + "the TLS handshake failed ("
            + firstLine(messages)
            + "); check the CA certificates, the client certificate and key, and that the "
            + "server speaks TLS",
        failure);
  }

  /**
   * A hint for a transient failure that may be a refusal in disguise: a TLS server closes a
   * plain-text connection without a word, and a plain-text server a TLS one, as a network fault
   * would.
   *
   * @param failure the failure, unwrapped
   * @return text to append to the message, or an empty string
   */
  String hint(Throwable failure) {
    String messages = messages(failure);
    if (where.startsWith("etcd://") && messages.contains("Network closed for unknown reason")) {
      return "; if etcd speaks TLS, write etcds://HOST:PORT and give its CA certificate";
    }
    // the TLS handler was still in the channel: the connection ended before or during the handshake
    if (where.startsWith("etcds://")
        && (messages.contains("Connection closed while performing TLS negotiation")
            || messages.contains("[SslHandler"))) {
      return "; if etcd speaks plain text, write etcd://HOST:PORT, or start etcd with "
          + "--cert-file and --key-file and https client URLs";
    }
    return "";
  }

  private static Optional<EtcdAccessException> refused(
      Reason reason, String message, Throwable cause) {
    return Optional.of(new EtcdAccessException(reason, message, cause));
  }

  private String user() {
    if (security == null) {
      return "";
    }
    if (security.user().isPresent()) {
      return " " + security.user().get();
    }
    return security.clientCertificate().isPresent()
        ? " named by the client certificate's common name (no user was given)"
        : " (none given)";
  }

  private String prefixRange() {
    return prefix.isEmpty() ? "every key" : "the keys under " + prefix;
  }

  private static boolean hasSslFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException || c instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }

  /** Every message of the cause chain, one per line, innermost last. */
  private static String messages(Throwable t) {
    StringBuilder s = new StringBuilder();
    int depth = 0;
    for (Throwable c = t; c != null && depth < 12; c = c.getCause(), depth++) {
      s.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
    }
    return s.toString();
  }

  /** The innermost message: the most specific one. */
  private static String firstLine(String messages) {
    String[] lines = messages.strip().split("\n");
    return lines[lines.length - 1];
  }
}
