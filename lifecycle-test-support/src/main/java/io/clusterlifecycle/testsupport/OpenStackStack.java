package io.clusterlifecycle.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real, minimal OpenStack Zed control plane on 127.0.0.1 for this project's tests: MariaDB,
 * RabbitMQ, keystone and placement under uwsgi, glance, nova with the fake compute driver, cinder
 * with a no-op volume driver and a read-only stand-in for neutron, all plain processes started by
 * the {@code openstack-stack.sh} script this module carries (installed from Debian's packages on
 * first use when missing). {@link #shared()} starts it once per JVM and stops it, by process group,
 * when the JVM exits; a stack another JVM started and still runs is reused and left running.
 *
 * <p>The script seeds flavors {@code lc.<cpu>c<MiB>} (1c512, 1c1024, 2c1024, 2c2048, 4c4096,
 * 4c8192, 8c16384, plus {@code m1.tiny}/{@code m1.small}), the images in {@link #IMAGES} and
 * unlimited compute and volume quotas. Its ports are fixed (keystone 5000, nova 8774, cinder 8776,
 * glance 9292, placement 8778, neutron stand-in 9696, MariaDB 3306, RabbitMQ 5672/25672/4369).
 */
public final class OpenStackStack {
  /** The Debian packages the stack runs from; {@code .ci/run} installs the same list. */
  public static final List<String> PACKAGES =
      List.of(
          "rabbitmq-server",
          "python3-keystone",
          "python3-glance",
          "python3-nova",
          "python3-placement",
          "python3-cinder",
          "python3-openstackclient",
          "uwsgi-core",
          "uwsgi-plugin-python3",
          "mariadb-server",
          "python3-pymysql",
          "curl",
          "iproute2");

  /** The images the stack seeds; the first is the one tests use as a default. */
  public static final List<String> IMAGES =
      List.of("tiny", "kit-image-1", "kit-image-2", "app-1.0", "app-2.0", "app-web-1.0");

  /** Where the stack keeps its configuration, data, logs and pid files. */
  public static final Path DIR = Path.of("/tmp/lifecycle-openstack");

  /**
   * The variable that, set to {@code true}, keeps a stack this JVM starts running after it exits
   * ({@code .ci/run} sets it and stops the stack at the end of the build).
   */
  public static final String KEEP = "LIFECYCLE_OPENSTACK_KEEP";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
  private static final int KEYSTONE_PORT = 5000;
  private static final List<Path> REQUIRED =
      List.of(
          Path.of("/usr/lib/python3/dist-packages/nova"),
          Path.of("/usr/lib/python3/dist-packages/cinder"),
          Path.of("/usr/lib/python3/dist-packages/glance"),
          Path.of("/usr/lib/python3/dist-packages/keystone"),
          Path.of("/usr/lib/python3/dist-packages/placement"),
          Path.of("/usr/bin/uwsgi-core"),
          Path.of("/usr/sbin/mariadbd"),
          Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server"),
          Path.of("/usr/bin/openstack"));

  private static OpenStackStack shared;

  private final Path script;
  private final boolean owned;
  private final Duration startTime;

  private OpenStackStack(Path script, boolean owned, Duration startTime) {
    this.script = script;
    this.owned = owned;
    this.startTime = startTime;
  }

  /**
   * Returns the stack of this JVM, starting it on first call: installs the Debian packages when
   * missing, writes the script under {@link #DIR} and runs its {@code start} (2 to 4 minutes),
   * unless a stack is already running there (then it is reused and not stopped by this JVM). A
   * shutdown hook stops a stack this JVM started, unless {@link #KEEP} is {@code true}.
   *
   * @return the running stack
   * @throws IllegalStateException if it cannot be installed or started, with the script's output; a
   *     test needing the stack then fails rather than skips
   */
  public static synchronized OpenStackStack shared() {
    if (shared != null) {
      return shared;
    }
    try {
      Path script = writeScript();
      if (Files.exists(DIR.resolve("ready")) && listening(KEYSTONE_PORT)) {
        shared = new OpenStackStack(script, false, Duration.ZERO);
        return shared;
      }
      ensureInstalled();
      run(script, "stop", Duration.ofMinutes(2));
      long started = System.nanoTime();
      run(script, "start", START_TIMEOUT);
      OpenStackStack stack =
          new OpenStackStack(script, true, Duration.ofNanos(System.nanoTime() - started));
      if (!keptForTheBuild()) {
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "openstack-stack-stop"));
      }
      shared = stack;
      return stack;
    } catch (IOException e) {
      throw new IllegalStateException("could not start the OpenStack test stack: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the OpenStack test stack", e);
    }
  }

  /**
   * The {@code OS_*} variables of the stack's admin user, as {@code openstack-stack.sh env} prints
   * them: password auth, project {@code admin}, domain {@code Default}, region {@code RegionOne}.
   *
   * @return the variables, sorted by name
   */
  public Map<String, String> environment() {
    Map<String, String> env = new TreeMap<>();
    env.put("OS_AUTH_URL", "http://127.0.0.1:" + KEYSTONE_PORT + "/v3");
    env.put("OS_IDENTITY_API_VERSION", "3");
    env.put("OS_USERNAME", "admin");
    env.put("OS_PASSWORD", "admin");
    env.put("OS_PROJECT_NAME", "admin");
    env.put("OS_USER_DOMAIN_NAME", "Default");
    env.put("OS_PROJECT_DOMAIN_NAME", "Default");
    env.put("OS_REGION_NAME", "RegionOne");
    env.put("OS_INTERFACE", "public");
    return env;
  }

  /**
   * How long this JVM's start took.
   *
   * @return the time {@code start} ran, or zero when a running stack was reused
   */
  public Duration startTime() {
    return startTime;
  }

  /**
   * Runs the {@code openstack} command-line client against the stack, as its admin user.
   *
   * @param args its arguments, e.g. {@code "server", "list", "--long"}
   * @return what it printed
   * @throws IllegalStateException if it fails or takes more than 2 minutes
   */
  public String openstack(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/openstack");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(environment());
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().remove("PYTHONPATH");
    return exec(pb, "openstack " + String.join(" ", args), Duration.ofMinutes(2));
  }

  /** Stops the stack if this JVM started it: every process group the script started. */
  public synchronized void stop() {
    if (!owned) {
      return;
    }
    try {
      run(script, "stop", Duration.ofMinutes(2));
    } catch (IOException | RuntimeException e) {
      System.err.println("could not stop the OpenStack test stack: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the stack outlives this JVM, for the next test JVM of the build to reuse: set by {@code
   * .ci/run}, which stops the stack when the build ends.
   */
  private static boolean keptForTheBuild() {
    return "true".equals(System.getenv(KEEP));
  }

  private static void ensureInstalled() {
    if (REQUIRED.stream().allMatch(Files::exists) && DebianPackages.allInstalled(PACKAGES)) {
      return;
    }
    // apt-get takes options anywhere on its line: without recommends, python3-nova and friends do
    // not pull in libvirt, qemu and the server packages (see the script's notes)
    List<String> args = new ArrayList<>();
    args.add("--no-install-recommends");
    args.addAll(PACKAGES);
    String log = DebianPackages.install(args.toArray(String[]::new));
    List<Path> missing = REQUIRED.stream().filter(p -> !Files.exists(p)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the OpenStack test stack needs "
              + missing
              + ", which could not be installed ("
              + log
              + "). Install: DEBIAN_FRONTEND=noninteractive apt-get install -y "
              + "--no-install-recommends "
              + String.join(" ", PACKAGES));
    }
  }

  private static Path writeScript() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "lifecycle-openstack-bin");
    Files.createDirectories(dir);
    Path script = dir.resolve("openstack-stack.sh");
    try (InputStream in = OpenStackStack.class.getResourceAsStream("openstack-stack.sh")) {
      if (in == null) {
        throw new IOException("openstack-stack.sh is missing from lifecycle-test-support");
      }
      Path tmp = Files.createTempFile(dir, "openstack-stack", ".sh");
      Files.write(tmp, in.readAllBytes());
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(
          tmp,
          script,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return script;
  }

  private static void run(Path script, String command, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString(), command);
    pb.environment().put("OS_STACK_DIR", DIR.toString());
    pb.environment().put("OS_STACK_IMAGES", String.join(" ", IMAGES));
    pb.redirectErrorStream(true);
    exec(pb, "openstack-stack.sh " + command, timeout);
  }

  private static String exec(ProcessBuilder pb, String what, Duration timeout)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("openstack-stack-", ".log");
    try {
      Process p = pb.redirectOutput(out.toFile()).start();
      boolean ended = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
      String text = Files.readString(out);
      if (!ended) {
        p.destroyForcibly();
        throw new IllegalStateException(
            what + " did not end within " + timeout + ": " + tail(text));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            what + " exited " + p.exitValue() + ": " + tail(text) + " (logs in " + DIR + "/log)");
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static String tail(String text) {
    return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
