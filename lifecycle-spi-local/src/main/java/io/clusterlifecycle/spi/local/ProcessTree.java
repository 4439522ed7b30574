package io.clusterlifecycle.spi.local;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Kills a process with everything it started. */
final class ProcessTree {
  private ProcessTree() {}

  /**
   * Asks the process and its descendants to end, the process first, then, after {@code grace},
   * kills whatever is still alive, including descendants that appeared meanwhile. The process goes
   * first because a shell whose child dies goes on with its next statement: ending the children
   * first let a timed-out {@code sleep 60; echo late > file} still write the file. The descendants
   * are listed before the process is asked to end, while they can still be found through it.
   */
  static void kill(ProcessHandle root, Duration grace, ScheduledExecutorService scheduler) {
    Set<ProcessHandle> tree = snapshot(root);
    root.destroy();
    tree.forEach(ProcessHandle::destroy);
    Runnable force =
        () -> {
          Set<ProcessHandle> again = new LinkedHashSet<>(tree);
          again.addAll(snapshot(root));
          for (ProcessHandle h : List.copyOf(again)) {
            again.addAll(snapshot(h));
          }
          if (root.isAlive()) {
            root.destroyForcibly();
          }
          again.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        };
    try {
      scheduler.schedule(force, grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      force.run();
    }
  }

  /** The live descendants, deepest first. */
  private static Set<ProcessHandle> snapshot(ProcessHandle root) {
    List<ProcessHandle> all = root.descendants().toList();
    Set<ProcessHandle> ordered = new LinkedHashSet<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      ordered.add(all.get(i));
    }
    return ordered;
  }
}
