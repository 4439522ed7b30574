package io.clusterlifecycle.spi.etcd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * How a store proves who it is to etcd and checks that it talks to the right etcd: TLS (the
 * authority that signed the servers' certificates, and a client certificate with its key for
 * servers started with {@code --client-cert-auth}) and etcd's user/password authentication. See
 * docs/design.md §9.8 for the etcd set-up: a role granted read and write on the store's key prefix
 * only.
 *
 * <p>TLS is used when {@link Builder#trustedCertificates} or {@link Builder#clientCertificate} is
 * set; the endpoints must then be {@code https://} ({@code etcds://} in {@link
 * EtcdEndpoints#parse}). A {@code https://} endpoint without a trusted authority verifies the
 * servers against the JVM's default trust store.
 *
 * <p><b>Secrets.</b> The password is kept as a copy that {@link #toString()}, messages and logs
 * never show (they show {@code ***}); the key file's content is read only when a client is built,
 * and never kept here. Immutable and thread-safe.
 */
public final class EtcdSecurity {
  /** No TLS material and no user: plain connections, as to an etcd without authentication. */
  public static final EtcdSecurity NONE = builder().build();

  private final Path trustedCertificates;
  private final Path clientCertificate;
  private final Path clientKey;
  private final String user;
  private final char[] password;

  private EtcdSecurity(Builder b) {
    this.trustedCertificates = b.trustedCertificates;
    this.clientCertificate = b.clientCertificate;
    this.clientKey = b.clientKey;
    this.user = b.user;
    this.password = b.password == null ? null : b.password.clone();
  }

  /**
   * Starts a builder with nothing set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether the store must speak TLS: a trusted authority or a client certificate is set.
   *
   * @return true for TLS
   */
  public boolean tls() {
    return trustedCertificates != null || clientCertificate != null;
  }

  /**
   * The PEM file of the authorities that signed the servers' certificates.
   *
   * @return the file, or empty to use the JVM's default trust store
   */
  public Optional<Path> trustedCertificates() {
    return Optional.ofNullable(trustedCertificates);
  }

  /**
   * The PEM file of the client certificate (and its chain) presented to the servers.
   *
   * @return the file, or empty for none
   */
  public Optional<Path> clientCertificate() {
    return Optional.ofNullable(clientCertificate);
  }

  /**
   * The PEM file of the client certificate's private key (PKCS#8, unencrypted).
   *
   * @return the file, or empty for none
   */
  public Optional<Path> clientKey() {
    return Optional.ofNullable(clientKey);
  }

  /**
   * The etcd user the store authenticates as.
   *
   * @return the user, or empty for none
   */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The password, for the client only; a copy the caller wipes. Null without a user. */
  char[] password() {
    return password == null ? null : password.clone();
  }

  /**
   * Describes the settings without secrets: file paths, the user, and {@code ***} for a password.
   *
   * @return for example {@code EtcdSecurity[tls trusting /etc/ca.pem, client certificate
   *     /etc/client.pem, user engine, password ***]}
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("EtcdSecurity[");
    if (tls()) {
      s.append("tls trusting ")
          .append(trustedCertificates == null ? "the JVM's authorities" : trustedCertificates);
      if (clientCertificate != null) {
        s.append(", client certificate ").append(clientCertificate);
      }
    } else {
      s.append("no tls");
    }
    if (user != null) {
      s.append(", user ").append(user).append(", password ***");
    }
    return s.append(']').toString();
  }

  /**
   * Settings of an {@link EtcdSecurity}. Setters check their arguments; {@link #build()} checks
   * that the files are readable. Not thread-safe.
   */
  public static final class Builder {
    private Path trustedCertificates;
    private Path clientCertificate;
    private Path clientKey;
    private String user;
    private char[] password;

    private Builder() {}

    /**
     * Verifies the servers' certificates against these authorities only (etcd's {@code
     * --trusted-ca-file} side of the servers' {@code --cert-file}); turns TLS on.
     *
     * @param caPem a PEM file of one or more CA certificates
     * @return this builder
     * @throws NullPointerException if {@code caPem} is null
     */
    public Builder trustedCertificates(Path caPem) {
      this.trustedCertificates = Objects.requireNonNull(caPem, "caPem");
      return this;
    }

    /**
     * Presents this certificate to servers that ask for one ({@code --client-cert-auth}); turns TLS
     * on. etcd takes the certificate's common name as the user when no user is set: give the
     * engine's certificate no other user's name.
     *
     * @param certificatePem a PEM file of the certificate, then its chain
     * @param keyPem a PEM file of its private key, PKCS#8 and unencrypted ({@code BEGIN PRIVATE
     *     KEY}; convert others with {@code openssl pkcs8 -topk8 -nocrypt})
     * @return this builder
     * @throws NullPointerException if either is null
     */
    public Builder clientCertificate(Path certificatePem, Path keyPem) {
      this.clientCertificate = Objects.requireNonNull(certificatePem, "certificatePem");
      this.clientKey = Objects.requireNonNull(keyPem, "keyPem");
      return this;
    }

    /**
     * Authenticates as an etcd user (etcd's {@code auth enable}); the user needs read and write on
     * the store's key prefix only (docs/design.md §9.8).
     *
     * @param userName the user; not blank
     * @param pass its password; copied, never shown
     * @return this builder
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if {@code userName} is blank or {@code pass} is empty
     */
    public Builder credentials(String userName, char[] pass) {
      Objects.requireNonNull(userName, "userName");
      Objects.requireNonNull(pass, "password");
      if (userName.isBlank()) {
        throw new IllegalArgumentException("the etcd user name is blank");
      }
      if (pass.length == 0) {
        throw new IllegalArgumentException(
            "the password of etcd user " + userName + " is empty; give the user's password");
      }
      if (password != null) {
        Arrays.fill(password, '\0');
      }
      this.user = userName;
      this.password = pass.clone();
      return this;
    }

    /**
     * Checks the files and builds the settings.
     *
     * @return the settings
     * @throws IllegalArgumentException if a file given is missing or unreadable, naming it
     */
    public EtcdSecurity build() {
      readable(trustedCertificates, "trusted CA certificate file");
      readable(clientCertificate, "client certificate file");
      readable(clientKey, "client key file");
      return new EtcdSecurity(this);
    }

    private static void readable(Path file, String what) {
      if (file != null && !Files.isReadable(file)) {
        throw new IllegalArgumentException(
            "the etcd "
                + what
                + " "
                + file
                + (Files.exists(file) ? " is not readable by this process" : " does not exist")
                + "; give a readable PEM file");
      }
    }
  }
}
