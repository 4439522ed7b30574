package io.clusterlifecycle.spi.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * File writes that a killed process never leaves half done: content goes to a temporary file in the
 * same directory, is forced to disk, and is then renamed over the target in one atomic step; the
 * directory is forced too so that the rename survives a power loss where the platform allows.
 */
final class AtomicFiles {
  /** Prefix of temporary files and directories; readers skip names starting with a dot. */
  static final String TEMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  static void writeString(Path target, String content) throws IOException {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  static void write(Path target, byte[] content) throws IOException {
    Path temp = temporarySibling(target);
    try {
      try (FileChannel ch =
          FileModes.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      moveAtomically(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(temp.getParent());
  }

  /**
   * Makes {@code target} a hard link to {@code source} in one atomic step (a link made under a
   * temporary name, then renamed over the target), and forces the target's directory. The source
   * must be durable already.
   *
   * @return false, with nothing changed, when the file system cannot link the two (no hard links,
   *     another file system, too many links to the source, no source): the caller writes a copy
   */
  static boolean linkOver(Path source, Path target) throws IOException {
    Path temp = temporarySibling(target);
    try {
      Files.createLink(temp, source);
    } catch (UnsupportedOperationException | FileSystemException e) {
      return false;
    }
    try {
      moveAtomically(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(temp.getParent());
    return true;
  }

  /** A new temporary name beside {@code target}, in its directory (absolute). */
  private static Path temporarySibling(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    return dir.resolve(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
  }

  /** Renames {@code source} to {@code target} in one step, replacing a file that is there. */
  static void moveAtomically(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + target + " cannot rename atomically", e);
    }
  }

  /** Forces a directory's entries to disk; a no-op where the platform cannot open directories. */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
    }
  }

  /**
   * Creates an empty marker file in {@code dir} durably, if no process created it yet: the marker
   * and the directory's entries are forced to disk.
   */
  static void createMarker(Path dir, String name) throws IOException {
    try {
      Files.createFile(dir.resolve(name));
    } catch (FileAlreadyExistsException e) {
      // another process created it first
    }
    syncDirectory(dir);
  }

  static Optional<String> readIfExists(Path file) throws IOException {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Deletes a directory tree; entries that vanish meanwhile are not an error. */
  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw exc;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null && !(exc instanceof NoSuchFileException)) {
              throw exc;
            }
            try {
              Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException e) {
              // something was written into it meanwhile: one more pass
              deleteRecursively(dir);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
