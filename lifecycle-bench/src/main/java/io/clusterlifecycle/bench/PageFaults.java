package io.clusterlifecycle.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The minor page faults this process has taken so far: the first touches of memory it had not used
 * before (a heap the collector has just grown, say). On this project's slower virtual machine each
 * costs about 11 µs, and a 10,000-node makespan run can take 45,000 of them (docs/performance.md),
 * so the makespan runs report them beside their collections.
 */
final class PageFaults {

  /** What {@link #minor()} gives where the count cannot be read: not Linux, say. */
  static final long UNKNOWN = -1;

  private static final Path STAT = Path.of("/proc/self/stat");

  private PageFaults() {}

  /**
   * The process's minor page faults, all threads together.
   *
   * @return the count, or {@link #UNKNOWN}
   */
  static long minor() {
    try {
      return parseMinor(Files.readString(STAT));
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /**
   * Reads the minor faults ({@code minflt}, the tenth field) from a {@code /proc/<pid>/stat} line.
   * The second field, the command's name in parentheses, may itself hold spaces and parentheses, so
   * the fields are counted from the last closing parenthesis.
   *
   * @param stat the line
   * @return the count
   * @throws IllegalArgumentException if the line is not of that form
   */
  static long parseMinor(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    // after the name: state(3) ppid pgrp session tty_nr tpgid flags minflt(10)
    String[] fields = stat.substring(close + 1).trim().split(" +");
    if (fields.length < 8) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    return Long.parseLong(fields[7]);
  }
}
