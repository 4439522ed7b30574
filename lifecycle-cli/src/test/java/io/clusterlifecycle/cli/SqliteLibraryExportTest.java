package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.util.LibraryLoaderUtil;

class SqliteLibraryExportTest {
  @Test
  void copiesTheDriversLibraryForThisPlatform_byteForByte_andLeavesNoTemporaryFile(
      @TempDir Path dir) throws Exception {
    Path target = dir.resolve("native");
    SqliteLibraryExport.main(new String[] {target.toString()});
    SqliteLibraryExport.main(new String[] {target.toString()});

    String name = LibraryLoaderUtil.getNativeLibName();
    String folder = LibraryLoaderUtil.getNativeLibResourcePath();
    byte[] expected;
    try (InputStream in =
        SqliteLibraryExport.class.getResourceAsStream(
            (folder.startsWith("/") ? folder : "/" + folder) + "/" + name)) {
      expected = in.readAllBytes();
    }
    assertThat(expected).isNotEmpty();
    assertThat(Files.readAllBytes(target.resolve(name))).isEqualTo(expected);
    try (var files = Files.list(target)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(name);
    }
  }
}
