package io.clusterlifecycle.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway etcd server from the machine's Debian {@code etcd-server} package (installed on first
 * use when missing): one member with a temporary data directory, listening for clients and peers on
 * free 127.0.0.1 ports. It can be stopped (by pid, as a crash would) and started again on the same
 * ports and data, to test an engine through an etcd outage. {@link #close()} stops it and deletes
 * the directory.
 *
 * <p>{@link #startTls(TestCertificates)} starts one that speaks only TLS to its clients and asks
 * them for a certificate its authority signed ({@code --client-cert-auth}); {@link
 * #enableAuth(String)} then turns on etcd's user/password authentication.
 */
public final class EtcdServer implements AutoCloseable {
  private static final List<Path> BINARIES =
      List.of(Path.of("/usr/bin/etcd"), Path.of("/usr/local/bin/etcd"));
  private static final List<Path> ETCDCTL =
      List.of(Path.of("/usr/bin/etcdctl"), Path.of("/usr/local/bin/etcdctl"));

  /** The user {@link #enableAuth(String)} creates with etcd's {@code root} role. */
  public static final String ROOT_USER = "root";

  private static final long START_SECONDS = 30;

  /** The server's {@code --max-txn-ops}, raised from etcd's 128 as operators do for big trees. */
  public static final int MAX_TXN_OPS = 1024;

  private final Path binary;
  private final Path dir;
  private final int clientPort;
  private final int peerPort;
  private final int metricsPort;
  private final TestCertificates tls;
  private Process process;
  private String rootPassword;

  private EtcdServer(
      Path binary, Path dir, int clientPort, int peerPort, int metricsPort, TestCertificates tls) {
    this.binary = binary;
    this.dir = dir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.metricsPort = metricsPort;
    this.tls = tls;
  }

  /**
   * Finds the etcd binary, installing Debian's {@code etcd-server} and {@code etcd-client} packages
   * first when it is missing (as root, or through {@code sudo -n}).
   *
   * @return its path
   * @throws IllegalStateException if there is none and it could not be installed, saying how to
   *     install it
   */
  public static synchronized Path findBinary() {
    Optional<Path> found = locate();
    String installLog = "";
    if (found.isEmpty()) {
      installLog = DebianPackages.install("etcd-server", "etcd-client");
      found = locate();
    }
    String log = installLog;
    return found.orElseThrow(
        () ->
            new IllegalStateException(
                "etcd not found at "
                    + BINARIES
                    + " and could not be installed ("
                    + log
                    + "). Install Debian's etcd-server and "
                    + "etcd-client packages: DEBIAN_FRONTEND=noninteractive apt-get install -y etcd-server "
                    + "etcd-client."
                    + ("true".equals(System.getenv("CI"))
                        ? " CI=true: this test must run, so it fails instead of skipping."
                        : "")));
  }

  private static Optional<Path> locate() {
    return BINARIES.stream().filter(Files::isExecutable).findFirst();
  }

  private static Path etcdctlBinary() {
    findBinary();
    return ETCDCTL.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "etcdctl not found at "
                        + ETCDCTL
                        + ". Install Debian's etcd-client package: "
                        + "DEBIAN_FRONTEND=noninteractive apt-get install -y etcd-client."));
  }

  /**
   * Creates and starts a server, waiting until it is healthy.
   *
   * @return the running server
   */
  public static EtcdServer start() throws Exception {
    return start(null);
  }

  /**
   * Creates and starts a server that speaks only TLS to its clients, with the server certificate of
   * {@code certificates}, and accepts only clients presenting a certificate signed by its authority
   * ({@code --client-cert-auth}). Its health is checked on a plain-HTTP metrics port.
   *
   * @param certificates the certificates; the caller keeps them until the server is closed
   * @return the running server
   */
  public static EtcdServer startTls(TestCertificates certificates) throws Exception {
    return start(certificates);
  }

  private static EtcdServer start(TestCertificates tls) throws Exception {
    Path binary = findBinary();
    Path dir = Files.createTempDirectory("lifecycle-etcd-");
    EtcdServer server = new EtcdServer(binary, dir, freePort(), freePort(), freePort(), tls);
    try {
      server.restart();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  /**
   * The client endpoint.
   *
   * @return {@code http://127.0.0.1:PORT}, or {@code https://127.0.0.1:PORT} for a TLS server
   */
  public String endpoint() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
  }

  /**
   * The address in the CLI's form.
   *
   * @return {@code etcd://127.0.0.1:PORT}, or {@code etcds://127.0.0.1:PORT} for a TLS server
   */
  public String url() {
    return (tls == null ? "etcd" : "etcds") + "://127.0.0.1:" + clientPort;
  }

  /**
   * Turns on etcd's authentication: creates user {@link #ROOT_USER} with the {@code root} role and
   * enables auth. Later {@link #etcdctl} calls authenticate as that user.
   *
   * @param password the root user's password
   * @throws IllegalStateException if an etcdctl command fails
   */
  public synchronized void enableAuth(String password) throws IOException, InterruptedException {
    etcdctl("user", "add", ROOT_USER, "--new-user-password=" + password, "--interactive=false");
    etcdctl("user", "grant-role", ROOT_USER, "root");
    etcdctl("auth", "enable");
    this.rootPassword = password;
  }

  /**
   * Adds a user whose only role grants read and write on one key prefix, as docs/design.md tells
   * operators to set up the engine's user.
   *
   * @param user the user name
   * @param password its password
   * @param role the role to create and grant
   * @param keyPrefix the prefix the role may read and write
   * @throws IllegalStateException if an etcdctl command fails
   */
  public synchronized void addPrefixUser(
      String user, String password, String role, String keyPrefix)
      throws IOException, InterruptedException {
    etcdctl("role", "add", role);
    etcdctl("role", "grant-permission", role, "--prefix=true", "readwrite", keyPrefix);
    etcdctl("user", "add", user, "--new-user-password=" + password, "--interactive=false");
    etcdctl("user", "grant-role", user, role);
  }

  /**
   * Runs etcdctl (API v3) against this server: over TLS with the client certificate for a TLS
   * server, as {@link #ROOT_USER} once {@link #enableAuth(String)} ran.
   *
   * @param args the command and its arguments, e.g. {@code "get", "/x"}
   * @return what etcdctl printed
   * @throws IllegalStateException if it fails or takes more than 30 seconds
   */
  public synchronized String etcdctl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(etcdctlBinary().toString());
    cmd.add("--endpoints=" + endpoint());
    if (tls != null) {
      cmd.add("--cacert=" + tls.caCertificate());
      cmd.add("--cert=" + tls.clientCertificate());
      cmd.add("--key=" + tls.clientKey());
    }
    if (rootPassword != null) {
      cmd.add("--user=" + ROOT_USER);
      cmd.add("--password=" + rootPassword);
    }
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "etcdctl-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    String text = Files.readString(out);
    Files.deleteIfExists(out);
    if (!ended || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "etcdctl " + String.join(" ", args) + (ended ? " failed: " : " did not end: ") + text);
    }
    return text;
  }

  /**
   * Kills the server by pid ({@code SIGKILL}, as a crash) and waits for it to exit; its data stays.
   */
  public synchronized void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Starts the server (again) on the same ports and data directory and waits until healthy. */
  public synchronized void restart() throws Exception {
    if (process != null && process.isAlive()) {
      return;
    }
    String client = endpoint();
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--name",
                "lifecycle-test",
                "--data-dir",
                dir.resolve("data").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "lifecycle-test=" + peer,
                "--initial-cluster-state",
                "new",
                "--max-txn-ops",
                String.valueOf(MAX_TXN_OPS),
                "--logger",
                "zap",
                "--log-outputs",
                "stderr"));
    if (tls != null) {
      command.addAll(
          List.of(
              "--cert-file",
              tls.serverCertificate().toString(),
              "--key-file",
              tls.serverKey().toString(),
              "--trusted-ca-file",
              tls.caCertificate().toString(),
              "--client-cert-auth",
              "--listen-metrics-urls",
              "http://127.0.0.1:" + metricsPort));
    }
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
            .start();
    awaitHealthy();
  }

  private void awaitHealthy() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(
                URI.create(
                    (tls == null ? endpoint() : "http://127.0.0.1:" + metricsPort) + "/health"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "etcd exited with " + process.exitValue() + "; its log:\n" + log());
      }
      try {
        HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "etcd was not healthy in " + START_SECONDS + " s (" + last + "); its log:\n" + log(), last);
  }

  private String log() {
    try {
      String all = Files.readString(dir.resolve("etcd.log"));
      return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops the server and deletes its directory. */
  @Override
  public synchronized void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
