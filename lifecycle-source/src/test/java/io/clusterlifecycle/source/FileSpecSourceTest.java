package io.clusterlifecycle.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.source.LoadedApp;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spec file with its templates and scripts beside it, read through {@link FileSpecSource}. */
class FileSpecSourceTest {

  @TempDir Path root;
  Path dir;
  Path spec;

  @BeforeEach
  void writeApp() throws IOException {
    dir = Files.createDirectories(root.resolve("zookeeper"));
    spec = Files.writeString(dir.resolve("zk.yaml"), Archives.spec("zookeeper", "6.1.0"));
    Files.createDirectories(dir.resolve("templates"));
    Files.writeString(dir.resolve("templates/zoo.cfg.tpl"), "tickTime=2000\n");
    Files.createDirectories(dir.resolve("scripts"));
    Files.writeString(dir.resolve("scripts/start.sh"), "#!/bin/sh\n");
  }

  @Test
  void readsTheSpecAndEveryFileBesideItButItself() {
    LoadedApp app = SpecSources.file(spec).load();

    assertThat(app.spec().name()).isEqualTo("zookeeper");
    assertThat(app.spec().version()).isEqualTo("6.1.0");
    assertThat(app.files())
        .containsExactly(
            Map.entry("scripts/start.sh", "#!/bin/sh\n"),
            Map.entry("templates/zoo.cfg.tpl", "tickTime=2000\n"));
    assertThat(app.origin()).isEqualTo("file " + spec);
  }

  @Test
  void followsNoLinkOutOfTheDirectory() throws IOException {
    Path secret = Files.writeString(root.resolve("secret.txt"), "password\n");
    Files.createDirectories(root.resolve("outside"));
    Files.writeString(root.resolve("outside/x.sh"), "echo\n");
    try {
      Files.createSymbolicLink(dir.resolve("secret.txt"), secret);
      Files.createSymbolicLink(dir.resolve("outside"), root.resolve("outside"));
      Files.createSymbolicLink(dir.resolve("dangling"), root.resolve("nowhere"));
      Files.createSymbolicLink(dir.resolve("start-link.sh"), dir.resolve("scripts/start.sh"));
    } catch (UnsupportedOperationException | FileSystemException e) {
      assumeTrue(false, "no symbolic links here: " + e);
    }

    LoadedApp app = new FileSpecSource(spec).load();

    assertThat(app.files().keySet())
        .containsExactly("scripts/start.sh", "start-link.sh", "templates/zoo.cfg.tpl");
  }

  @Test
  void refusesFilesOverTheLimitNamingIt() throws IOException {
    Files.write(dir.resolve("big.bin"), new byte[(int) Limits.MAX_BYTES + 1]);

    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> new FileSpecSource(spec).load());

    assertThat(e.getMessage()).contains("file " + spec).contains(Limits.MAX_BYTES + " bytes");
  }

  @Test
  void refusesAFileThatIsNotText() throws IOException {
    Files.write(dir.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xff});

    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> new FileSpecSource(spec).load());

    assertThat(e.problems().get(0).path()).isEqualTo("file logo.png");
  }

  @Test
  void refusesAMissingSpec() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> new FileSpecSource(dir.resolve("missing.yaml")).load());

    assertThat(e.getMessage()).contains("missing.yaml");
  }
}
