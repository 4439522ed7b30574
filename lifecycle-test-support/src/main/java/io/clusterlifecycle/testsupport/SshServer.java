package io.clusterlifecycle.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway OpenSSH server from the machine's Debian {@code openssh-server} package (installed on
 * first use when missing, with {@code openssh-client} for {@code ssh-keygen}): a non-daemon {@code
 * sshd -D} child with its own configuration, host key and {@code authorized_keys} in a temporary
 * directory, listening on a free port of 127.0.0.1 (and of 127.0.0.2, 127.0.0.3, ... when asked for
 * several addresses, all loopback), that lets the current user log in with a key it made, and
 * nothing else (no passwords; root only with a key). {@link #close()} stops it and deletes the
 * directory.
 */
public final class SshServer implements AutoCloseable {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final List<Path> SSH_KEYGEN =
      List.of(Path.of("/usr/bin/ssh-keygen"), Path.of("/usr/local/bin/ssh-keygen"));
  private static final long START_SECONDS = 30;

  private final Path dir;
  private final int port;
  private final int addresses;
  private Process process;

  private SshServer(Path dir, int port, int addresses) {
    this.dir = dir;
    this.port = port;
    this.addresses = addresses;
  }

  /**
   * Starts a server on 127.0.0.1 only.
   *
   * @return the running server
   */
  public static SshServer start() throws Exception {
    return start(1);
  }

  /**
   * Starts a server listening on the same port of 127.0.0.1 to 127.0.0.{@code addresses}, so that
   * tests can treat each address as a host of its own.
   *
   * @param addresses how many loopback addresses, 1 to 200
   * @return the running server, accepting connections
   * @throws IllegalStateException if sshd is missing and cannot be installed, or does not start
   */
  public static SshServer start(int addresses) throws Exception {
    if (addresses < 1 || addresses > 200) {
      throw new IllegalArgumentException("addresses must be 1 to 200, was " + addresses);
    }
    findBinaries();
    Path dir = Files.createTempDirectory("lifecycle-sshd-");
    SshServer server = new SshServer(dir, freePort(), addresses);
    try {
      server.setUp();
      server.launch();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  /**
   * Finds sshd and ssh-keygen, installing Debian's {@code openssh-server} and {@code
   * openssh-client} first when one is missing.
   *
   * @throws IllegalStateException if they are missing and could not be installed
   */
  public static synchronized void findBinaries() {
    if (Files.isExecutable(SSHD) && keygen().isPresent()) {
      return;
    }
    String log = DebianPackages.install("openssh-server", "openssh-client");
    if (!Files.isExecutable(SSHD) || keygen().isEmpty()) {
      throw new IllegalStateException(
          "sshd ("
              + SSHD
              + ") or ssh-keygen not found and could not be installed ("
              + log
              + "). Install Debian's openssh-server and openssh-client packages:"
              + " DEBIAN_FRONTEND=noninteractive apt-get install -y openssh-server openssh-client.");
    }
  }

  private static Optional<Path> keygen() {
    return SSH_KEYGEN.stream().filter(Files::isExecutable).findFirst();
  }

  private void setUp() throws IOException, InterruptedException {
    keygen("host_key");
    keygen("client_key");
    keygen("other_key");
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    List<String> config = new ArrayList<>();
    for (int i = 1; i <= addresses; i++) {
      config.add("ListenAddress 127.0.0." + i + ":" + port);
    }
    config.addAll(
        List.of(
            "HostKey " + dir.resolve("host_key"),
            "PidFile " + dir.resolve("sshd.pid"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "StrictModes no",
            "UsePAM no",
            "MaxSessions 100",
            "MaxStartups 100:30:200",
            // Debian's bash reads ~/.bashrc when sshd starts it, unless SHLVL says it is nested:
            // this machine user's rc files (a pyenv init: 2 s a login, one at a time) stay out
            "SetEnv SHLVL=1",
            "LogLevel VERBOSE"));
    Files.write(dir.resolve("sshd_config"), config);
    List<String> known = new ArrayList<>();
    for (int i = 1; i <= addresses; i++) {
      known.add("[127.0.0." + i + "]:" + port + " " + hostPublicKey());
    }
    Files.write(dir.resolve("known_hosts"), known);
    try {
      Files.createDirectories(Path.of("/run/sshd"));
    } catch (IOException e) {
      // sshd says so itself when it needs the directory and cannot have it
    }
  }

  private void keygen(String name) throws IOException, InterruptedException {
    run(
        keygen().orElseThrow().toString(),
        "-q",
        "-t",
        "ecdsa",
        "-b",
        "256",
        "-N",
        "",
        "-C",
        "lifecycle-test-" + name,
        "-f",
        dir.resolve(name).toString());
  }

  private void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  private void launch() throws Exception {
    process =
        new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "sshd exited with " + process.exitValue() + "; its log:\n" + log());
      }
      if (banner()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("sshd did not answer in " + START_SECONDS + " s:\n" + log());
  }

  private boolean banner() {
    for (int i = 1; i <= addresses; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0." + i, port), 1000);
        s.setSoTimeout(2000);
        InputStream in = s.getInputStream();
        byte[] b = new byte[4];
        if (in.readNBytes(b, 0, 4) != 4
            || !"SSH-".equals(new String(b, StandardCharsets.US_ASCII))) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * The port the server listens on, on every address.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The addresses the server listens on.
   *
   * @return {@code 127.0.0.1}, {@code 127.0.0.2}, ...
   */
  public List<String> addresses() {
    List<String> all = new ArrayList<>();
    for (int i = 1; i <= addresses; i++) {
      all.add("127.0.0." + i);
    }
    return all;
  }

  /**
   * The user that may log in: the one running the tests.
   *
   * @return the user name
   */
  public String user() {
    return System.getProperty("user.name");
  }

  /**
   * The private key that logs in (ECDSA P-256, unencrypted OpenSSH format).
   *
   * @return the key file
   */
  public Path clientKey() {
    return dir.resolve("client_key");
  }

  /**
   * A private key the server does not accept.
   *
   * @return the key file
   */
  public Path otherKey() {
    return dir.resolve("other_key");
  }

  /**
   * A known-hosts file listing the server's key for every address and port.
   *
   * @return the file
   */
  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  /**
   * The server's host public key line.
   *
   * @return {@code ecdsa-sha2-nistp256 AAAA... comment}
   */
  public String hostPublicKey() throws IOException {
    return Files.readString(dir.resolve("host_key.pub")).strip();
  }

  /**
   * The public key line of {@link #otherKey()}, usable as a host key that is not the server's.
   *
   * @return the key line
   */
  public String otherPublicKey() throws IOException {
    return Files.readString(dir.resolve("other_key.pub")).strip();
  }

  /**
   * Kills, with SIGKILL, the sshd processes serving the open connections (not the listener, and not
   * the commands they started), as a network failure or a host crash would drop them.
   *
   * @return how many processes were killed
   */
  public synchronized int dropConnections() {
    if (process == null) {
      return 0;
    }
    List<ProcessHandle> sshds =
        process
            .descendants()
            .filter(h -> h.info().command().map(c -> c.endsWith("/sshd")).orElse(false))
            .toList();
    sshds.forEach(ProcessHandle::destroyForcibly);
    return sshds.size();
  }

  /**
   * The server's log so far (its last 4000 characters).
   *
   * @return the log
   */
  public String log() {
    try {
      String all = Files.readString(dir.resolve("sshd.log"));
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

  /** Stops the server and the sshd processes of its connections, and deletes its directory. */
  @Override
  public synchronized void close() {
    if (process != null) {
      dropConnections();
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
