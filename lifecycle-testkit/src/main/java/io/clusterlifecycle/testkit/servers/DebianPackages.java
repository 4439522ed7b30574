package io.clusterlifecycle.testkit.servers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the Debian packages a test's real server comes from (PostgreSQL, etcd, OpenSSH), so
 * that {@code mvn verify} on a fresh Debian machine needs nothing installed by hand. Runs
 * {@code apt-get install -y} as root, or through {@code sudo -n} otherwise, and
 * {@code apt-get update} first only when the plain install fails.
 */
public final class DebianPackages {
  private DebianPackages() {}

  /**
   * Installs packages; never throws. The caller checks afterwards for what it needs and reports
   * the returned text when it is still missing.
   *
   * @param packages Debian package names
   * @return what apt-get said (its last 600 characters), for the caller's error message
   */
  public static synchronized String install(String... packages) {
    List<String> sudo = "root".equals(System.getProperty("user.name")) ? List.of()
        : List.of("sudo", "-n");
    List<String> install = new ArrayList<>(sudo);
    install.addAll(List.of("apt-get", "install", "-y"));
    install.addAll(List.of(packages));
    List<String> update = new ArrayList<>(sudo);
    update.addAll(List.of("apt-get", "update"));
    StringBuilder out = new StringBuilder();
    if (!run(install, out)) {
      run(update, out);
      run(install, out);
    }
    return out.length() > 600 ? out.substring(out.length() - 600) : out.toString();
  }

  private static boolean run(List<String> command, StringBuilder out) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      String text = new String(p.getInputStream().readAllBytes());
      int code = p.waitFor();
      out.append(String.join(" ", command)).append(" exited ").append(code).append(": ")
          .append(text.strip()).append("; ");
      return code == 0;
    } catch (IOException e) {
      out.append(String.join(" ", command)).append(" could not run: ").append(e.getMessage())
          .append("; ");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.append(String.join(" ", command)).append(" interrupted; ");
      return false;
    }
  }
}
