package io.clusterlifecycle.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a command's process still runs, as the local infrastructure counts it (docs/design.md
 * §9.3): a zombie does not. A killed command whose tool process has exited is an orphan that PID 1
 * reaps when it gets to it (about 2 s on the CI's VMs), and {@link ProcessHandle#isAlive()} counts
 * it alive until then.
 */
final class RunningProcesses {
  private RunningProcesses() {}

  /** Whether the process exists and is not a zombie. */
  static boolean running(long pid) {
    return ProcessHandle.of(pid).map(RunningProcesses::running).orElse(false);
  }

  /** Whether the process exists and is not a zombie. */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    String stat = stat(process.pid());
    return stat != null && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
  }

  /** The process's id and {@code /proc} status line, for a failure's message. */
  static String describe(ProcessHandle process) {
    String stat = stat(process.pid());
    return process.pid() + ": " + (stat == null ? "gone" : stat.strip());
  }

  private static String stat(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/stat"));
    } catch (IOException e) {
      return null;
    }
  }
}
