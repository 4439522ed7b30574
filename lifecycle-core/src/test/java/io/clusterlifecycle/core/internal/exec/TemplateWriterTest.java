package io.clusterlifecycle.core.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.plan.RenderedFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer script, run by a real bash the way an executor runs a command. */
class TemplateWriterTest {

  private static int write(Path dir, List<RenderedFile> files) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", TemplateWriter.SCRIPT).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(TemplateWriter.environment(files));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void writesEachFileLiterallyAtomicallyWithItsMode(@TempDir Path dir) throws Exception {
    String hostile = "$(touch pwned) `touch pwned2` '; rm -rf / #\n\\n ünïcödé\n\n";
    String big = "x".repeat(3 * TemplateWriter.CHUNK + 17) + "\n";
    assertThat(
            write(
                dir,
                List.of(
                    new RenderedFile("n", "conf dir/-odd name.cfg", "0600", hostile),
                    new RenderedFile("n", "big.txt", "0644", big),
                    new RenderedFile("n", "empty", "0640", ""))))
        .isZero();
    assertThat(Files.readString(dir.resolve("conf dir/-odd name.cfg"), StandardCharsets.UTF_8))
        .isEqualTo(hostile);
    assertThat(Files.readString(dir.resolve("big.txt"))).isEqualTo(big);
    assertThat(Files.readString(dir.resolve("empty"))).isEmpty();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("conf dir/-odd name.cfg"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("big.txt"))))
        .isEqualTo("rw-r--r--");
    assertThat(dir.resolve("pwned")).doesNotExist();
    assertThat(dir.resolve("pwned2")).doesNotExist();
    try (var left = Files.walk(dir)) {
      assertThat(left.map(Path::getFileName).map(Path::toString))
          .noneMatch(n -> n.startsWith(".lc-template"));
    }
    // a second write replaces the files
    assertThat(write(dir, List.of(new RenderedFile("n", "big.txt", "0644", "small\n")))).isZero();
    assertThat(Files.readString(dir.resolve("big.txt"))).isEqualTo("small\n");
  }

  @Test
  void failsWhenADestinationCannotBeWritten(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    assertThat(write(dir, List.of(new RenderedFile("n", "file/inside", "0644", "y")))).isNotZero();
  }
}
