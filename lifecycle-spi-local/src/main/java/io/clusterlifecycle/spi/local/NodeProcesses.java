package io.clusterlifecycle.spi.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The processes of a local node (docs/local.md): those of this user whose environment carries the
 * node's {@code LC_CLUSTER_ID} and {@code LC_NODE_ID}, as every command the local executor starts
 * does and the daemons it leaves behind inherit. Read from {@code /proc}; signals are sent with
 * {@code kill}, given the process ids as arguments.
 */
final class NodeProcesses {
  private static final Path PROC = Path.of("/proc");

  private NodeProcesses() {}

  /** The node's live processes, never this JVM or its ancestors. */
  static List<ProcessHandle> of(String clusterId, String nodeId) throws IOException {
    byte[] cluster = ("LC_CLUSTER_ID=" + clusterId).getBytes(StandardCharsets.UTF_8);
    byte[] node = ("LC_NODE_ID=" + nodeId).getBytes(StandardCharsets.UTF_8);
    Set<Long> mine = new HashSet<>();
    for (ProcessHandle p = ProcessHandle.current(); p != null; p = p.parent().orElse(null)) {
      mine.add(p.pid());
    }
    List<ProcessHandle> found = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path dir : all) {
        long pid;
        try {
          pid = Long.parseLong(dir.getFileName().toString());
        } catch (NumberFormatException e) {
          continue;
        }
        if (mine.contains(pid)) {
          continue;
        }
        byte[] env;
        try {
          env = Files.readAllBytes(dir.resolve("environ"));
        } catch (IOException e) {
          continue; // gone, or another user's
        }
        if (holds(env, cluster) && holds(env, node)) {
          ProcessHandle.of(pid).filter(ProcessTree::alive).ifPresent(found::add);
        }
      }
    }
    return found;
  }

  /** Whether a NUL-separated environment holds the entry {@code entry} exactly. */
  private static boolean holds(byte[] env, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start == entry.length
            && java.util.Arrays.equals(env, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /** Sends {@code signal} (such as {@code STOP}) to the processes; gone ones are skipped. */
  static void signal(String signal, List<ProcessHandle> processes) throws IOException {
    if (processes.isEmpty()) {
      return;
    }
    List<String> argv = new ArrayList<>(List.of("kill", "-" + signal, "--"));
    processes.forEach(p -> argv.add(Long.toString(p.pid())));
    Process kill =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IOException("kill -" + signal + " did not end within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending " + signal, e);
    }
  }

  /**
   * Ends the processes: SIGTERM, then SIGKILL to those alive after {@code grace} (SIGKILL at once
   * for a zero grace); completes once none is alive (a zombie counts as gone), or fails when one
   * still is 10 s after SIGKILL.
   */
  static CompletableFuture<Void> end(List<ProcessHandle> processes, Duration grace) {
    if (grace.isZero()) {
      processes.forEach(ProcessHandle::destroyForcibly);
      return gone(processes, System.nanoTime() + KILL_WAIT.toNanos());
    }
    processes.forEach(ProcessHandle::destroy);
    return gone(processes, System.nanoTime() + grace.toNanos())
        .exceptionallyCompose(
            e -> {
              processes.stream().filter(ProcessTree::alive).forEach(ProcessHandle::destroyForcibly);
              return gone(processes, System.nanoTime() + KILL_WAIT.toNanos());
            });
  }

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  /** Completes when none of the processes is alive; fails at {@code deadline} (nano time). */
  private static CompletableFuture<Void> gone(List<ProcessHandle> processes, long deadline) {
    if (processes.stream().noneMatch(ProcessTree::alive)) {
      return CompletableFuture.completedFuture(null);
    }
    if (System.nanoTime() - deadline > 0) {
      return CompletableFuture.failedFuture(
          new IOException(
              "processes still alive: "
                  + processes.stream()
                      .filter(ProcessTree::alive)
                      .map(ProcessHandle::pid)
                      .toList()));
    }
    return CompletableFuture.supplyAsync(
            () -> null, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS))
        .thenCompose(v -> gone(processes, deadline));
  }
}
