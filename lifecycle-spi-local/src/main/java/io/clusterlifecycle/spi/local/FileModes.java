package io.clusterlifecycle.spi.local;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner can read: what the home holds (records, the metadata tree,
 * node views, backups) may carry secrets (docs/design.md §11). Directories are created 0700 and
 * files 0600 where the file system has POSIX permissions; elsewhere with its defaults.
 */
final class FileModes {
  static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> PRIVATE_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private FileModes() {}

  /** The attributes that create a file 0600, or none where there are no POSIX permissions. */
  static FileAttribute<?>[] privateFile() {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_FILE)}
        : new FileAttribute<?>[0];
  }

  /** The attributes that create a directory 0700, or none where there are no POSIX permissions. */
  static FileAttribute<?>[] privateDirectory() {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY)}
        : new FileAttribute<?>[0];
  }

  /** Creates a directory and its missing parents 0700; existing ones are left as they are. */
  static Path createPrivateDirectories(Path dir) throws IOException {
    return Files.createDirectories(dir, privateDirectory());
  }

  /** Creates one directory 0700. */
  static Path createPrivateDirectory(Path dir) throws IOException {
    return Files.createDirectory(dir, privateDirectory());
  }

  /** Opens a file for writing, creating it 0600 when it does not exist. */
  static java.nio.channels.FileChannel open(Path file, Set<? extends OpenOption> options)
      throws IOException {
    return java.nio.channels.FileChannel.open(file, options, privateFile());
  }

  /**
   * Creates an empty file 0600 when it does not exist, so that a program that opens it later (the
   * SQLite store) keeps that mode; an existing file is left as it is.
   *
   * @param file the file
   * @throws IOException if it cannot be created
   */
  static void createPrivateFileIfMissing(Path file) throws IOException {
    try {
      Files.createFile(file, privateFile());
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // kept as it is
    }
  }
}
