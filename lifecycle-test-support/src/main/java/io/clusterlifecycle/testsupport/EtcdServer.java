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
 */
public final class EtcdServer implements AutoCloseable {
  private static final List<Path> BINARIES =
      List.of(Path.of("/usr/bin/etcd"), Path.of("/usr/local/bin/etcd"));
  private static final long START_SECONDS = 30;

  /** The server's {@code --max-txn-ops}, raised from etcd's 128 as operators do for big trees. */
  public static final int MAX_TXN_OPS = 1024;

  private final Path binary;
  private final Path dir;
  private final int clientPort;
  private final int peerPort;
  private Process process;

  private EtcdServer(Path binary, Path dir, int clientPort, int peerPort) {
    this.binary = binary;
    this.dir = dir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
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

  /**
   * Creates and starts a server, waiting until it is healthy.
   *
   * @return the running server
   */
  public static EtcdServer start() throws Exception {
    Path binary = findBinary();
    Path dir = Files.createTempDirectory("lifecycle-etcd-");
    EtcdServer server = new EtcdServer(binary, dir, freePort(), freePort());
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
   * @return {@code http://127.0.0.1:PORT}
   */
  public String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  /**
   * The address in the CLI's form.
   *
   * @return {@code etcd://127.0.0.1:PORT}
   */
  public String url() {
    return "etcd://127.0.0.1:" + clientPort;
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
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    process =
        new ProcessBuilder(
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
                "stderr")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
            .start();
    awaitHealthy();
  }

  private void awaitHealthy() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
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
