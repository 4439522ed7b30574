package io.clusterlifecycle.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Looks at the {@link DemoApp} server processes of one demo home: what a node's server reports,
 * which servers run, and stopping those a failed or killed run left behind.
 *
 * <p>A server is recognised by its command line, {@code bash bin/lifecycle-demo-server serve
 * NODE_DIR}, with {@code NODE_DIR} under the home; servers of other homes are not touched. A zombie
 * (exited, not yet reaped) has no command line and so does not count as running.
 */
final class DemoServers {
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final Duration SETTLE = Duration.ofSeconds(8);
  private static final Duration SETTLE_POLL = Duration.ofMillis(100);

  private DemoServers() {}

  /**
   * What one node's server reports.
   *
   * @param server {@code pid N} while it runs, {@code stopped} otherwise
   * @param serves the version it serves, {@code -} when it does not run
   * @param config its rendered config on one line, {@code role=ip,ip ...}, or {@code -}
   */
  record Status(String server, String serves, String config) {}

  static Status status(Path nodeDir) {
    Optional<ProcessHandle> process =
        read(nodeDir.resolve("run/server.pid"))
            .flatMap(DemoServers::parsePid)
            .flatMap(ProcessHandle::of)
            .filter(p -> isServer(p, nodeDir.getParent()));
    String serves =
        process
            .flatMap(p -> read(nodeDir.resolve("run/version")))
            .filter(v -> !v.isBlank())
            .orElse("-");
    String config =
        read(nodeDir.resolve("conf/kv.conf"))
            .map(c -> c.lines().collect(Collectors.joining(" ")))
            .orElse("-");
    return new Status(process.map(p -> "pid " + p.pid()).orElse("stopped"), serves, config);
  }

  /** The servers running for nodes under {@code home}. */
  static List<ProcessHandle> running(Path home) {
    Path nodes = home.toAbsolutePath().normalize().resolve("nodes");
    return ProcessHandle.allProcesses().filter(p -> isServer(p, nodes)).toList();
  }

  /** Stops every server of {@code home}: SIGTERM, then SIGKILL for those still up after 2 s. */
  static void stopAll(Path home) {
    stop(running(home), home);
  }

  /** Stops {@code servers} as {@link #stopAll} does; tells whether there were any. */
  private static boolean stop(List<ProcessHandle> servers, Path home) {
    servers.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + GRACE.toNanos();
    Path nodes = home.toAbsolutePath().normalize().resolve("nodes");
    for (ProcessHandle p : servers) {
      while (isServer(p, nodes) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return true;
        }
      }
      if (isServer(p, nodes)) {
        p.destroyForcibly();
      }
    }
    return !servers.isEmpty();
  }

  /**
   * Stops every server of {@code home} as {@link #stopAll} does, then looks again until two looks
   * {@link #SETTLE_POLL} apart find none, for at most {@link #SETTLE}: a server a {@code start} had
   * just forked shows its command line only once it has exec'd.
   */
  static void stopAllSettled(Path home) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    int emptyLooks = 0;
    while (emptyLooks < 2
        && System.nanoTime() < deadline
        && !Thread.currentThread().isInterrupted()) {
      if (stop(running(home), home)) {
        emptyLooks = 0;
        continue;
      }
      emptyLooks++;
      try {
        Thread.sleep(SETTLE_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean isServer(ProcessHandle p, Path nodes) {
    List<String> args = p.info().arguments().map(List::of).orElse(List.of());
    int i = args.indexOf("bin/" + DemoApp.SERVER);
    return p.isAlive()
        && i >= 0
        && i + 2 < args.size()
        && args.get(i + 1).equals("serve")
        && Path.of(args.get(i + 2)).normalize().startsWith(nodes);
  }

  private static Optional<Long> parsePid(String text) {
    try {
      return Optional.of(Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
