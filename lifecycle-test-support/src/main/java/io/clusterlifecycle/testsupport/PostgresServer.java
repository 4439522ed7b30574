package io.clusterlifecycle.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server from the machine's Debian {@code postgresql} package: a new cluster
 * in a temporary directory, listening on 127.0.0.1 on a free port (socket in the same directory),
 * with password authentication over TCP. When this JVM runs as root the server runs as the {@code
 * postgres} user, as PostgreSQL refuses to run as root. {@link #close()} stops it and deletes the
 * directory.
 *
 * <p>{@link #startTls(TestCertificates)} starts one that accepts TCP connections only over TLS
 * ({@code hostssl} with scram-sha-256, {@code hostnossl} rejected), with the server certificate of
 * the given {@link TestCertificates}, on 127.0.0.1 and on 127.0.0.2, an address that certificate
 * does not name.
 */
public final class PostgresServer implements AutoCloseable {
  /** The superuser the server is created with. */
  public static final String USER = "lifecycle";

  /** Its password. */
  public static final String PASSWORD = "it-secret-1";

  private static final Path INSTALL_ROOT = Path.of("/usr/lib/postgresql");
  private static final long START_SECONDS = 60;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final boolean asRoot;
  private final int port;
  private final Process process;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresServer(Path bin, Path dir, boolean asRoot, int port, Process process) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.asRoot = asRoot;
    this.port = port;
    this.process = process;
  }

  /**
   * Finds the newest installed server's binaries, installing Debian's postgresql package first when
   * there is none (as root, or through {@code sudo -n}).
   *
   * @return the {@code bin} directory holding {@code postgres}, {@code initdb}, {@code pg_ctl}
   * @throws IllegalStateException if there is none, saying how to install it
   */
  public static synchronized Path findBinaries() throws IOException {
    Optional<Path> found = locate();
    String installLog = "";
    if (found.isEmpty()) {
      installLog = DebianPackages.install("postgresql");
      found = locate();
    }
    String log = installLog;
    return found.orElseThrow(
        () ->
            new IllegalStateException(
                "PostgreSQL server binaries not "
                    + "found: there is no "
                    + INSTALL_ROOT
                    + "/*/bin/postgres and installing Debian's "
                    + "postgresql package failed ("
                    + log
                    + "). Install it: DEBIAN_FRONTEND=noninteractive "
                    + "apt-get install -y postgresql."
                    + ("true".equals(System.getenv("CI"))
                        ? " CI=true: this integration test must run, so it fails instead of skipping."
                        : "")));
  }

  private static Optional<Path> locate() throws IOException {
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(INSTALL_ROOT)) {
      try (Stream<Path> versions = Files.list(INSTALL_ROOT)) {
        versions
            .map(v -> v.resolve("bin"))
            .filter(
                b ->
                    Files.isExecutable(b.resolve("postgres"))
                        && Files.isExecutable(b.resolve("initdb")))
            .forEach(found::add);
      }
    }
    return found.stream().max(Comparator.comparingDouble(PostgresServer::version));
  }

  private static double version(Path binDir) {
    try {
      return Double.parseDouble(binDir.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Creates and starts a server, waiting until it accepts connections.
   *
   * @return the running server
   */
  public static PostgresServer start() throws Exception {
    return start(null);
  }

  /**
   * Creates and starts a server that accepts TCP clients only over TLS, presenting {@code
   * certificates}' server certificate (for {@code 127.0.0.1} and {@code localhost}).
   *
   * @param certificates the certificates; copied into the server's directory
   * @return the running server
   */
  public static PostgresServer startTls(TestCertificates certificates) throws Exception {
    return start(certificates);
  }

  private static PostgresServer start(TestCertificates tls) throws Exception {
    Path bin = findBinaries();
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("lifecycle-pg-");
    PostgresServer server = null;
    try {
      Path pwfile = dir.resolve("pwfile");
      Files.writeString(pwfile, PASSWORD + "\n");
      if (asRoot) {
        run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
      }
      run(
          command(
              asRoot,
              bin.resolve("initdb").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-U",
              USER,
              "--pwfile=" + pwfile,
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "-E",
              "UTF8",
              "--no-sync"));
      int port = freePort();
      List<String> postgres =
          new ArrayList<>(
              command(
                  asRoot,
                  bin.resolve("postgres").toString(),
                  "-D",
                  dir.resolve("data").toString(),
                  "-p",
                  String.valueOf(port),
                  "-h",
                  "127.0.0.1",
                  "-k",
                  dir.toString(),
                  "-c",
                  "fsync=off",
                  "-c",
                  "full_page_writes=off",
                  "-c",
                  "max_connections=200"));
      if (tls != null) {
        postgres.addAll(requireTls(dir.resolve("data"), tls, asRoot));
      }
      Process p =
          new ProcessBuilder(postgres)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("postgres.log").toFile())
              .start();
      server = new PostgresServer(bin, dir, asRoot, port, p);
      server.awaitReady();
      return server;
    } catch (Exception | Error e) {
      if (server != null) {
        server.close();
      } else {
        deleteRecursively(dir);
      }
      throw e;
    }
  }

  /**
   * Puts the server's certificate and key into the data directory, lets TCP clients in only over
   * TLS, and returns the server options that turn TLS on.
   */
  private static List<String> requireTls(Path data, TestCertificates tls, boolean asRoot)
      throws IOException, InterruptedException {
    Path cert = data.resolve("server.crt");
    Path key = data.resolve("server.key");
    Files.copy(tls.serverCertificate(), cert);
    Files.copy(tls.serverKey(), key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(
        data.resolve("pg_hba.conf"),
        "local all all trust\n"
            + "hostssl all all 127.0.0.0/8 scram-sha-256\n"
            + "hostnossl all all 127.0.0.0/8 reject\n",
        StandardCharsets.UTF_8);
    if (asRoot) {
      run(List.of("chown", "postgres:postgres", cert.toString(), key.toString()));
    }
    // also on 127.0.0.2, which the certificate does not name, for host name checks
    return List.of(
        "-c",
        "listen_addresses=127.0.0.1,127.0.0.2",
        "-c",
        "ssl=on",
        "-c",
        "ssl_cert_file=" + cert,
        "-c",
        "ssl_key_file=" + key);
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "postgres exited with " + process.exitValue() + "; its log:\n" + log());
      }
      try {
        DriverManager.getConnection(url("postgres"), USER, PASSWORD).close();
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(
        "postgres did not accept connections in "
            + START_SECONDS
            + " s ("
            + last
            + "); its log:\n"
            + log(),
        last);
  }

  /**
   * Creates a new, empty database.
   *
   * @return its JDBC URL
   */
  public String createDatabase() throws SQLException {
    String name = "store_" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return url(name);
  }

  /**
   * The JDBC URL of a database, without TLS parameters (the driver's default {@code sslmode=prefer}
   * then encrypts without checking the server).
   *
   * @param database the database name
   * @return {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE}
   */
  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /**
   * The server's log so far.
   *
   * @return its text, or a note saying why there is none
   */
  public String log() {
    try {
      return Files.readString(dir.resolve("postgres.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the server (fast shutdown, then by pid if need be) and deletes its directory. */
  @Override
  public void close() {
    try {
      run(
          command(
              asRoot,
              bin.resolve("pg_ctl").toString(),
              "stop",
              "-D",
              data.toString(),
              "-m",
              "fast",
              "-w",
              "-t",
              "20"));
    } catch (Exception e) {
      System.err.println("pg_ctl stop failed, killing postgres: " + e.getMessage());
      postmasterPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteRecursively(dir);
  }

  private Optional<Long> postmasterPid() {
    try {
      return Optional.of(
          Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static List<String> command(boolean asRoot, String... args) {
    List<String> cmd = new ArrayList<>();
    if (asRoot) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs a command to its end, for at most a minute. */
  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("lifecycle-pg-cmd-", ".log");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean ended = p.waitFor(60, TimeUnit.SECONDS);
      if (!ended || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", cmd)
                + (ended ? " failed with exit code " + p.exitValue() : " did not end in 60 s")
                + ":\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  System.err.println("cannot delete " + p + ": " + e);
                }
              });
    } catch (IOException e) {
      System.err.println("cannot delete " + dir + ": " + e);
    }
  }
}
