package io.clusterlifecycle.spi.etcd;

import io.etcd.jetcd.ClientBuilder;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** Turns an {@link EtcdSecurity}'s PEM files into the TLS context of a jetcd client. */
final class TlsFiles {
  private TlsFiles() {}

  /**
   * Sets the client's TLS context (gRPC's defaults, through jetcd) from the security's files.
   *
   * @throws EtcdAccessException with {@link EtcdAccessException.Reason#UNUSABLE_TLS_FILES} naming
   *     the files when they are not PEM certificates and an unencrypted PKCS#8 key
   */
  static void configure(ClientBuilder client, EtcdSecurity security) {
    Optional<Path> ca = security.trustedCertificates();
    Optional<Path> cert = security.clientCertificate();
    Optional<Path> key = security.clientKey();
    try {
      client.sslContext(
          ssl -> {
            ca.ifPresent(f -> ssl.trustManager(f.toFile()));
            if (cert.isPresent() && key.isPresent()) {
              ssl.keyManager(cert.get().toFile(), key.get().toFile());
            }
          });
    } catch (SSLException | RuntimeException e) {
      throw new EtcdAccessException(
          EtcdAccessException.Reason.UNUSABLE_TLS_FILES,
          "cannot use the etcd TLS files ("
              + security
              + "): "
              + e.getMessage()
              + "; give PEM files: the CA certificates, the client certificate and its private "
              + "key in unencrypted PKCS#8 (BEGIN PRIVATE KEY; convert one with openssl pkcs8 "
              + "-topk8 -nocrypt -in KEY -out KEY.pk8)",
          e);
    }
  }
}
