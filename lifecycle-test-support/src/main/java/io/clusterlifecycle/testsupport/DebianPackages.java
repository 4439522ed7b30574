package io.clusterlifecycle.testsupport;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the Debian packages a test's real server comes from (PostgreSQL, etcd, OpenSSH) and the
 * {@code openssl} tool that makes its test certificates, so that {@code mvn verify} on a fresh
 * Debian machine needs nothing installed by hand ({@code .ci/run} installs them first; this is the
 * fallback for a bare {@code mvn verify}). Runs {@code apt-get install -y} as root, or through
 * {@code sudo -n} otherwise, and {@code apt-get update} first only when the plain install fails.
 * When another process holds the package manager's lock (an unattended upgrade, a second build), it
 * waits for the lock, up to {@link #LOCK_WAIT}, instead of failing.
 */
public final class DebianPackages {
  /**
   * How long an install waits for another process to release the package manager's lock: long
   * enough for the OpenStack packages that {@code .ci/run} installs in the background.
   */
  public static final Duration LOCK_WAIT = Duration.ofMinutes(20);

  private DebianPackages() {}

  /**
   * Installs packages; never throws. The caller checks afterwards for what it needs and reports the
   * returned text when it is still missing.
   *
   * @param packages Debian package names
   * @return what apt-get said (its last 600 characters), for the caller's error message
   */
  public static synchronized String install(String... packages) {
    List<String> install = aptGet("install", "-y");
    install.addAll(List.of(packages));
    StringBuilder out = new StringBuilder();
    Instant deadline = Instant.now().plus(LOCK_WAIT);
    if (!run(install, out, deadline)) {
      run(aptGet("update"), out, deadline);
      run(install, out, deadline);
    }
    return out.length() > 600 ? out.substring(out.length() - 600) : out.toString();
  }

  /**
   * Whether every package is installed and configured: a package another process is still unpacking
   * or configuring is not.
   *
   * @param packages Debian package names
   * @return true if {@code dpkg-query} reports each as {@code install ok installed}
   */
  public static boolean allInstalled(List<String> packages) {
    List<String> command = new ArrayList<>(List.of("dpkg-query", "-W", "-f=${Status}\\n"));
    command.addAll(packages);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        return false;
      }
      return text.lines().filter(l -> l.equals("install ok installed")).count() == packages.size();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static List<String> aptGet(String... args) {
    List<String> command = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("sudo", "-n"));
    }
    command.addAll(List.of("apt-get", "-o", "DPkg::Lock::Timeout=" + LOCK_WAIT.toSeconds(), "-q"));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs the command, again while it fails on a lock another process holds, until deadline. */
  private static boolean run(List<String> command, StringBuilder out, Instant deadline) {
    while (true) {
      Outcome outcome = runOnce(command);
      out.append(String.join(" ", command)).append(": ").append(outcome.text()).append("; ");
      if (outcome.ok() || !outcome.lockHeld() || Instant.now().isAfter(deadline)) {
        return outcome.ok();
      }
      try {
        TimeUnit.SECONDS.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private record Outcome(boolean ok, boolean lockHeld, String text) {}

  private static Outcome runOnce(List<String> command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      String text = new String(p.getInputStream().readAllBytes()).strip();
      int code = p.waitFor();
      boolean lockHeld =
          text.contains("Could not get lock")
              || text.contains("Unable to lock")
              || text.contains("Unable to acquire the dpkg frontend lock");
      return new Outcome(code == 0, code != 0 && lockHeld, "exited " + code + ": " + text);
    } catch (IOException e) {
      return new Outcome(false, false, "could not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, false, "interrupted");
    }
  }
}
