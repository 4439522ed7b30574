package io.clusterlifecycle.spi.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Kills a process with everything it started, and finds the members of a process group and the
 * processes of a run.
 */
final class ProcessTree {
  private static final Path PROC = Path.of("/proc");

  private ProcessTree() {}

  /**
   * Asks the process and its descendants to end, the process first, then, after {@code grace},
   * kills whatever is still alive, including descendants that appeared meanwhile, and runs {@code
   * afterForce}. The process goes first because a shell whose child dies goes on with its next
   * statement: ending the children first let a timed-out {@code sleep 60; echo late > file} still
   * write the file. The descendants are listed before the process is asked to end, while they can
   * still be found through it. When the process leads a process group of its own (it was started
   * through {@code setsid}), the group's members are killed too: they may have left its tree.
   */
  static void kill(
      ProcessHandle root, Duration grace, ScheduledExecutorService scheduler, Runnable afterForce) {
    long group = root.pid();
    Set<ProcessHandle> tree = snapshot(root);
    tree.addAll(groupMembers(group, root));
    root.destroy();
    tree.forEach(ProcessHandle::destroy);
    Runnable force =
        () -> {
          try {
            Set<ProcessHandle> again = new LinkedHashSet<>(tree);
            again.addAll(snapshot(root));
            for (ProcessHandle h : List.copyOf(again)) {
              again.addAll(snapshot(h));
            }
            again.addAll(groupMembers(group, root));
            if (root.isAlive()) {
              root.destroyForcibly();
            }
            again.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
          } finally {
            afterForce.run();
          }
        };
    try {
      scheduler.schedule(force, grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      force.run();
    }
  }

  /**
   * The live members of process group {@code group} (found through {@code /proc}; none where there
   * is no {@code /proc}), zombies left out. When {@code leader} is given, only if its process group
   * is {@code group}, or it has ended: a group is only trusted while its id is not reused.
   */
  static Set<ProcessHandle> groupMembers(long group, ProcessHandle leader) {
    Set<ProcessHandle> members = new LinkedHashSet<>();
    if (group <= 1 || !Files.isDirectory(PROC)) {
      return members;
    }
    if (leader != null && leader.isAlive()) {
      Optional<long[]> own = stat(leader.pid());
      if (own.isPresent() && own.get()[1] != group) {
        return members; // the leader has not reached setsid yet, or left its group
      }
    }
    ProcessHandle.allProcesses()
        .forEach(
            h -> {
              Optional<long[]> s = stat(h.pid());
              if (s.isPresent() && s.get()[1] == group && s.get()[0] != 'Z') {
                members.add(h);
              }
            });
    return members;
  }

  /** Whether a process is alive and not a zombie. */
  static boolean alive(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    Optional<long[]> s = stat(h.pid());
    return s.isEmpty() || s.get()[0] != 'Z';
  }

  /**
   * A process's state character and process group id from {@code /proc/<pid>/stat}; empty when it
   * cannot be read (the process ended, or there is no {@code /proc}).
   */
  static Optional<long[]> stat(long pid) {
    String text;
    try {
      text =
          Files.readString(
              PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
    int close = text.lastIndexOf(')');
    if (close < 0 || close + 2 >= text.length()) {
      return Optional.empty();
    }
    String[] f = text.substring(close + 2).split(" ");
    if (f.length < 3 || f[0].isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new long[] {f[0].charAt(0), Long.parseLong(f[2])});
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The live processes whose environment, as it was when they started, holds {@code entry} ({@code
   * NAME=value}), read from {@code /proc/<pid>/environ}: only this user's processes can be read,
   * and none are found where there is no {@code /proc}.
   */
  static List<ProcessHandle> withEnvironmentEntry(String entry) {
    if (!Files.isDirectory(PROC)) {
      return List.of();
    }
    return ProcessHandle.allProcesses()
        .filter(h -> nulSeparated(h.pid(), "environ").contains(entry))
        .filter(ProcessTree::alive)
        .toList();
  }

  /** A process's arguments from {@code /proc/<pid>/cmdline}; empty when they cannot be read. */
  static List<String> arguments(long pid) {
    return nulSeparated(pid, "cmdline");
  }

  private static List<String> nulSeparated(long pid, String file) {
    String text;
    try {
      // byte for byte: an environment may hold text that is not UTF-8
      text =
          Files.readString(
              PROC.resolve(Long.toString(pid)).resolve(file), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    if (text.endsWith("\0")) {
      text = text.substring(0, text.length() - 1);
    }
    return text.isEmpty() ? List.of() : List.of(text.split("\0", -1));
  }

  /** The live descendants, deepest first. */
  static Set<ProcessHandle> snapshot(ProcessHandle root) {
    List<ProcessHandle> all = root.descendants().toList();
    Set<ProcessHandle> ordered = new LinkedHashSet<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      ordered.add(all.get(i));
    }
    return ordered;
  }
}
