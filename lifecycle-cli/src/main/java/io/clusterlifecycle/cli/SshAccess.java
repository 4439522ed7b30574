package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.spi.ssh.HostKeyCheck;
import io.clusterlifecycle.spi.ssh.SshCommandExecutor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The SSH options that every infrastructure reached over SSH shares ({@code --infra ssh} and {@code
 * --infra openstack}): the login key, the known-hosts file, how host keys are checked and the
 * pinned keys. Checked without connecting anywhere.
 */
final class SshAccess {
  private final HostKeyCheck check;
  private final Optional<Path> key;
  private final Optional<Path> knownHosts;
  private final List<String> pins;

  private SshAccess(
      HostKeyCheck check, Optional<Path> key, Optional<Path> knownHosts, List<String> pins) {
    this.check = check;
    this.key = key;
    this.knownHosts = knownHosts;
    this.pins = pins;
  }

  /**
   * Checks the SSH options: the key file readable, the host-key mode known and consistent with the
   * pins, and in strict mode the known-hosts file readable.
   *
   * @param o the options
   * @param p where problems are added
   * @return the access, meaningful only when no problem was added
   */
  static SshAccess check(InfraOptions o, List<ValidationProblem> p) {
    InfraChecks.readableFile(p, "--ssh-key", o.sshKey, "a private key file");
    HostKeyCheck check = hostKeyCheck(o, p);
    if (check == HostKeyCheck.STRICT) {
      InfraChecks.readableFile(
          p,
          "--known-hosts",
          knownHostsFile(o),
          "the known-hosts file listing the hosts' keys (or --host-key-check accept-new)");
    }
    return new SshAccess(
        check,
        Optional.ofNullable(o.sshKey),
        Optional.ofNullable(o.knownHosts),
        List.copyOf(o.pinnedHostKeys));
  }

  /**
   * Starts an executor with these settings; the caller adds targets and the metadata tree.
   *
   * @return the builder
   */
  SshCommandExecutor.Builder executor() {
    SshCommandExecutor.Builder b = SshCommandExecutor.builder().hostKeyCheck(check);
    key.ifPresent(b::identity);
    knownHosts.ifPresent(b::knownHosts);
    pins.forEach(b::pinHostKey);
    return b;
  }

  private static Path knownHostsFile(InfraOptions o) {
    return o.knownHosts != null
        ? o.knownHosts
        : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
  }

  private static HostKeyCheck hostKeyCheck(InfraOptions o, List<ValidationProblem> p) {
    String mode = o.hostKeyCheck == null ? "strict" : o.hostKeyCheck.toLowerCase(Locale.ROOT);
    HostKeyCheck check =
        switch (mode) {
          case "strict" -> HostKeyCheck.STRICT;
          case "accept-new" -> HostKeyCheck.ACCEPT_NEW;
          case "pinned" -> HostKeyCheck.PINNED;
          default -> {
            p.add(
                ValidationProblem.of(
                    "--host-key-check",
                    "unknown mode '" + o.hostKeyCheck + "'; one of strict, accept-new, pinned"));
            yield null;
          }
        };
    if (check == HostKeyCheck.PINNED && o.pinnedHostKeys.isEmpty()) {
      p.add(
          ValidationProblem.of(
              "--pin-host-key",
              "--host-key-check pinned needs the hosts' keys: give --pin-host-key SHA256:..."
                  + " (ssh-keygen -lf) or a public key line"));
    }
    if (check != null && check != HostKeyCheck.PINNED && !o.pinnedHostKeys.isEmpty()) {
      p.add(
          ValidationProblem.of(
              "--pin-host-key", "is used only with --host-key-check pinned; add it or drop this"));
    }
    for (String pin : o.pinnedHostKeys) {
      try {
        SshCommandExecutor.builder().pinHostKey(pin);
      } catch (IllegalArgumentException e) {
        p.add(
            ValidationProblem.of(
                "--pin-host-key",
                "is neither a SHA256: fingerprint nor a public key line (the key itself is not"
                    + " shown)"));
      }
    }
    return check;
  }
}
