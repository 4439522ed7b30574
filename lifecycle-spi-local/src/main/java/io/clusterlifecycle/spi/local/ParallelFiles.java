package io.clusterlifecycle.spi.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs independent pieces of file work (writes that each end in {@code fsync}) several at a time on
 * a component's own executor and waits for all of them. The file system's journal commits
 * concurrent {@code fsync}s together, so a hundred node files forced from four threads cost far
 * fewer journal commits than a hundred forced one after another.
 *
 * <p>The calling thread works too: it takes pieces from the same queue as the helpers it asks the
 * executor for, so everything gets done even when every other thread of the executor is busy or
 * waiting for a lock the caller holds. Pieces must not take locks themselves.
 */
final class ParallelFiles {
  /** How many threads at most work on one call, the caller included. */
  static final int WIDTH = 8;

  private ParallelFiles() {}

  /** File work that may fail. */
  @FunctionalInterface
  interface IoWork {
    void run() throws IOException;
  }

  /**
   * Runs every piece of work and returns when all have ended.
   *
   * @param work the pieces, independent of each other
   * @param executor lends helper threads; may refuse them
   * @throws IOException the first failure, with the others suppressed in it, once all have ended
   */
  static void runAll(List<IoWork> work, Executor executor) throws IOException {
    ConcurrentLinkedQueue<IoWork> queue = new ConcurrentLinkedQueue<>(work);
    CountDownLatch left = new CountDownLatch(work.size());
    List<Throwable> failures = new ArrayList<>();
    Runnable worker =
        () -> {
          for (IoWork w = queue.poll(); w != null; w = queue.poll()) {
            try {
              w.run();
            } catch (IOException | RuntimeException | Error e) {
              synchronized (failures) {
                failures.add(e);
              }
            } finally {
              left.countDown();
            }
          }
        };
    int helpers = Math.min(WIDTH, work.size()) - 1;
    for (int i = 0; i < helpers; i++) {
      try {
        executor.execute(worker);
      } catch (RejectedExecutionException e) {
        break;
      }
    }
    worker.run();
    awaitUninterruptibly(left);
    rethrow(failures);
  }

  private static void awaitUninterruptibly(CountDownLatch left) {
    boolean interrupted = false;
    while (true) {
      try {
        left.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void rethrow(List<Throwable> failures) throws IOException {
    if (failures.isEmpty()) {
      return;
    }
    Throwable first = failures.get(0);
    failures.subList(1, failures.size()).forEach(first::addSuppressed);
    if (first instanceof IOException io) {
      throw io;
    }
    if (first instanceof RuntimeException r) {
      throw r;
    }
    throw (Error) first;
  }
}
