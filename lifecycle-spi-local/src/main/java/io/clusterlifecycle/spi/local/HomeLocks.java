package io.clusterlifecycle.spi.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mutual exclusion on a lock file, across the threads of this JVM and across processes.
 *
 * <p>A {@link FileLock} is held per JVM, not per thread, and a second lock on the same file from
 * the same JVM throws; so threads first take an in-JVM lock keyed by the file's path, and only the
 * outermost holder takes the file lock. Closing a channel may release every lock the JVM holds on
 * the file, which is why only one channel per file is ever open at a time here.
 */
final class HomeLocks {
  private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private HomeLocks() {}

  @FunctionalInterface
  interface IoSupplier<T> {
    T get() throws IOException;
  }

  static <T> T withLock(Path lockFile, IoSupplier<T> action) throws IOException {
    // Key by the real directory, so that two spellings of one home share one in-JVM lock.
    Path abs = lockFile.toAbsolutePath().normalize();
    Path key = abs.getParent().toRealPath().resolve(abs.getFileName());
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
    jvmLock.lock();
    try {
      if (jvmLock.getHoldCount() > 1) {
        return action.get();
      }
      try (FileChannel ch =
          FileModes.open(
              key, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE))) {
        FileLock lock = ch.lock();
        try {
          return action.get();
        } finally {
          lock.release();
        }
      }
    } finally {
      jvmLock.unlock();
    }
  }
}
