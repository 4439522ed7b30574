package io.clusterlifecycle.api.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Which engine owns the operation under way on a cluster, and until when (docs/design.md §7). The
 * owner renews it while the operation runs. Another engine may take the operation over once the
 * lease has expired, or at once when the owner is provably gone: same host, process not alive.
 *
 * @param owner the owning engine's id
 * @param host the host name the owner runs on
 * @param pid the owner's process id
 * @param expiresAt when the lease ends unless renewed
 */
public record Lease(String owner, String host, long pid, Instant expiresAt) {

  /**
   * Checks for nulls.
   *
   * @param owner the owner id
   * @param host the host name
   * @param pid the process id
   * @param expiresAt the expiry
   */
  public Lease {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * Tells whether the lease no longer protects its operation.
   *
   * @param now the time now
   * @param localHost this machine's host name
   * @return true when it has expired, or its owner ran on this host in a process that is gone
   */
  public boolean isLapsed(Instant now, String localHost) {
    if (!now.isBefore(expiresAt)) {
      return true;
    }
    return host.equals(localHost) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }
}
