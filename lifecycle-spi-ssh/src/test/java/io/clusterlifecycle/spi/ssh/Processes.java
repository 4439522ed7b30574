package io.clusterlifecycle.spi.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Looks at processes of this machine, where the test sshd runs the commands. */
final class Processes {
  private Processes() {}

  /**
   * Tells whether a process runs. A zombie (ended, not yet reaped: an orphan whose reaper is slow
   * or absent in a container) does not count.
   *
   * @param pid the process id
   * @return true while it runs
   */
  static boolean running(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
          .noneMatch(l -> l.startsWith("State:") && l.contains("Z"));
    } catch (IOException e) {
      return false;
    }
  }
}
