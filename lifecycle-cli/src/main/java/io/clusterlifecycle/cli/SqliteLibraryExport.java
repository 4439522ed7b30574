package io.clusterlifecycle.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Copies the SQLite driver's native library for this platform out of the tool's jar into a
 * directory, once per build of the jar, so that the launcher can start the tool with {@code
 * -Dorg.sqlite.lib.path} pointing there: otherwise the driver writes the 1 MiB library to the
 * temporary directory and reads it back on every start that opens a store (docs/design.md §10). The
 * driver names the platform's resource and file ({@link LibraryLoaderUtil}); the copy is written to
 * a temporary file in the directory and renamed over the library, so a start never loads half a
 * file.
 */
public final class SqliteLibraryExport {
  private SqliteLibraryExport() {}

  /**
   * Copies the library.
   *
   * @param args one argument: the directory, created when missing
   * @throws IOException if the directory or the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: SqliteLibraryExport DIRECTORY");
      System.exit(2);
    }
    String folder = LibraryLoaderUtil.getNativeLibResourcePath();
    String name = LibraryLoaderUtil.getNativeLibName();
    String resource = (folder.startsWith("/") ? folder : "/" + folder) + "/" + name;
    try (InputStream in = SqliteLibraryExport.class.getResourceAsStream(resource)) {
      if (in == null) {
        System.err.println("the jar holds no SQLite library for this platform (" + resource + ")");
        System.exit(1);
      }
      Path dir = Files.createDirectories(Path.of(args[0]));
      Path temp = Files.createTempFile(dir, name, ".tmp");
      try {
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            temp,
            dir.resolve(name),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
