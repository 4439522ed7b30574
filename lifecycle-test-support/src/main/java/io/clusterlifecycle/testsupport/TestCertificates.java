package io.clusterlifecycle.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates for tests that speak TLS to a real server, made with the {@code openssl}
 * command (Debian's {@code openssl} package, installed on first use when missing) in a directory
 * the caller owns. Every key is an EC P-256 key in unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE
 * KEY}), the form Netty and the JDK read; certificates are valid for two days.
 *
 * <p>Two unrelated authorities are made: the <em>trusted</em> one signs the server's certificate
 * (for {@code 127.0.0.1} and {@code localhost}) and the client's; the <em>other</em> one signs a
 * second client certificate, so a test can present or trust the wrong one.
 *
 * @param dir the directory holding the files
 */
public record TestCertificates(Path dir) {
  private static final Path OPENSSL = Path.of("/usr/bin/openssl");

  /** The common name of {@link #clientCertificate()}. */
  public static final String CLIENT_NAME = "lifecycle-engine";

  /**
   * Makes every file in {@code dir} (created if missing).
   *
   * @param dir the directory; the caller deletes it
   * @return the certificates
   * @throws IllegalStateException if openssl is missing and could not be installed, or failed
   */
  public static TestCertificates create(Path dir) throws IOException, InterruptedException {
    Path openssl = findOpenssl();
    Files.createDirectories(dir);
    TestCertificates c = new TestCertificates(dir);
    c.authority(openssl, "ca", "lifecycle test CA");
    c.authority(openssl, "other-ca", "unrelated test CA");
    c.signed(
        openssl,
        "server",
        "localhost",
        "ca",
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
    c.signed(openssl, "client", CLIENT_NAME, "ca", "extendedKeyUsage=clientAuth\n");
    c.signed(openssl, "other-client", CLIENT_NAME, "other-ca", "extendedKeyUsage=clientAuth\n");
    return c;
  }

  /**
   * The trusted authority's certificate.
   *
   * @return {@code ca.pem}
   */
  public Path caCertificate() {
    return dir.resolve("ca.pem");
  }

  /**
   * The unrelated authority's certificate: trusting it instead of {@link #caCertificate()} makes
   * the server's certificate untrusted.
   *
   * @return {@code other-ca.pem}
   */
  public Path otherCaCertificate() {
    return dir.resolve("other-ca.pem");
  }

  /**
   * The server's certificate, signed by the trusted authority, for {@code IP:127.0.0.1} and {@code
   * DNS:localhost}.
   *
   * @return {@code server.pem}
   */
  public Path serverCertificate() {
    return dir.resolve("server.pem");
  }

  /**
   * The server's key.
   *
   * @return {@code server.key}
   */
  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /**
   * The client's certificate, signed by the trusted authority, common name {@link #CLIENT_NAME}.
   *
   * @return {@code client.pem}
   */
  public Path clientCertificate() {
    return dir.resolve("client.pem");
  }

  /**
   * The client's key.
   *
   * @return {@code client.key}
   */
  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /**
   * A client certificate signed by the unrelated authority, which a server trusting only {@link
   * #caCertificate()} refuses.
   *
   * @return {@code other-client.pem}
   */
  public Path otherClientCertificate() {
    return dir.resolve("other-client.pem");
  }

  /**
   * The key of {@link #otherClientCertificate()}.
   *
   * @return {@code other-client.key}
   */
  public Path otherClientKey() {
    return dir.resolve("other-client.key");
  }

  private void authority(Path openssl, String name, String commonName)
      throws IOException, InterruptedException {
    run(
        openssl.toString(),
        "req",
        "-x509",
        "-new",
        "-nodes",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-keyout",
        dir.resolve(name + ".key").toString(),
        "-out",
        dir.resolve(name + ".pem").toString(),
        "-days",
        "2",
        "-subj",
        "/CN=" + commonName,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
  }

  private void signed(Path openssl, String name, String commonName, String ca, String extensions)
      throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(
        ext,
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            + extensions,
        StandardCharsets.UTF_8);
    run(
        openssl.toString(),
        "req",
        "-new",
        "-nodes",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=" + commonName);
    run(
        openssl.toString(),
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        dir.resolve(ca + ".pem").toString(),
        "-CAkey",
        dir.resolve(ca + ".key").toString(),
        "-CAcreateserial",
        "-out",
        dir.resolve(name + ".pem").toString(),
        "-days",
        "2",
        "-extfile",
        ext.toString());
  }

  /**
   * Finds {@code openssl}, installing Debian's {@code openssl} package first when it is missing.
   *
   * @return its path
   * @throws IllegalStateException if it is missing and could not be installed
   */
  public static synchronized Path findOpenssl() {
    String log = "";
    if (!Files.isExecutable(OPENSSL)) {
      log = DebianPackages.install("openssl");
    }
    String installLog = log;
    return Optional.of(OPENSSL)
        .filter(Files::isExecutable)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "openssl not found at "
                        + OPENSSL
                        + " and could not be installed ("
                        + installLog
                        + "). Install Debian's openssl package: "
                        + "DEBIAN_FRONTEND=noninteractive apt-get install -y openssl."));
  }

  private void run(String... command) throws IOException, InterruptedException {
    Path out = dir.resolve("openssl.log");
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", cmd)
              + (ended ? " failed with exit code " + p.exitValue() : " did not end in 60 s")
              + ":\n"
              + Files.readString(out, StandardCharsets.UTF_8));
    }
  }
}
