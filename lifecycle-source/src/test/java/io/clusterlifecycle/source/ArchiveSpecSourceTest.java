package io.clusterlifecycle.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.source.LoadedApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Archives built here, read back through {@link ArchiveSpecSource}. */
class ArchiveSpecSourceTest {

  @TempDir Path dir;

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static void assertZookeeperApp(LoadedApp app) {
    assertThat(app.spec().name()).isEqualTo("zookeeper");
    assertThat(app.spec().version()).isEqualTo("6.1.0");
    assertThat(app.files())
        .containsExactly(
            Map.entry("scripts/start.sh", "#!/bin/sh\nexec zkServer.sh start\n"),
            Map.entry("templates/zoo.cfg.tpl", "tickTime=2000\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"zookeeper/", "", "./"})
  void readsATgzWithTheSpecInATopLevelDirectoryOrAtTheRoot(String prefix) throws IOException {
    Path archive = write("zk-6.1.0.tgz", Archives.tgz(Archives.app(prefix, "6.1.0")));

    LoadedApp app = SpecSources.archive(archive).load();

    assertZookeeperApp(app);
    assertThat(app.origin()).isEqualTo("archive " + archive);
  }

  @ParameterizedTest
  @ValueSource(strings = {"zookeeper/", ""})
  void readsAZipWithTheSpecInATopLevelDirectoryOrAtTheRoot(String prefix) throws IOException {
    Path archive = write("zk-6.1.0.zip", Archives.zip(Archives.app(prefix, "6.1.0")));

    assertZookeeperApp(new ArchiveSpecSource(archive).load());
  }

  @Test
  void fillsTheTemplatesFromTheArchivesFilesAndNamesAMissingOne() throws IOException {
    Map<String, String> files = Archives.app("zookeeper/", "6.1.0");
    String withTemplate =
        Archives.spec("zookeeper", "6.1.0")
            + "    templates:\n"
            + "      - {destination: conf/zoo.cfg, source: templates/zoo.cfg.tpl}\n";
    files.put("zookeeper/app.yaml", withTemplate);
    LoadedApp app = new ArchiveSpecSource(write("zk.tgz", Archives.tgz(files))).load();
    assertThat(app.spec().roles().get(0).templates().get(0).content()).contains("tickTime=2000\n");

    files.remove("zookeeper/templates/zoo.cfg.tpl");
    Path broken = write("broken.zip", Archives.zip(files));
    assertThatThrownBy(() -> new ArchiveSpecSource(broken).load())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "roles[0].templates[0].source: file 'templates/zoo.cfg.tpl' is not among the app's"
                + " files");
  }

  @Test
  void readsAJsonSpec() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "zk/app.json",
        "{\"name\": \"zookeeper\", \"version\": \"6.1.0\", \"roles\": [{\"role\": \"zk\","
            + " \"count\": 1, \"cpu\": 1, \"memory\": 512,"
            + " \"services\": {\"start\": {\"cmd\": \"true\"}}}]}");
    Path archive = write("zk.tar.gz", Archives.tgz(files));

    LoadedApp app = new ArchiveSpecSource(archive).load();

    assertThat(app.spec().name()).isEqualTo("zookeeper");
    assertThat(app.files()).isEmpty();
  }

  @Test
  void refusesAnArchiveWithoutASpec() throws IOException {
    Path archive = write("empty.tgz", Archives.tgz(Map.of("zookeeper/README", "nothing\n")));

    ValidationException e = refused(archive);

    assertThat(e.getMessage())
        .contains("archive " + archive)
        .contains("app.yaml, app.yml, app.json");
  }

  @Test
  void refusesTwoSpecs() throws IOException {
    Map<String, String> files = new LinkedHashMap<>(Archives.app("a/", "6.1.0"));
    files.putAll(Archives.app("b/", "6.1.0"));
    Path archive = write("two.tgz", Archives.tgz(files));

    assertThat(refused(archive).getMessage()).contains("a/app.yaml, b/app.yaml");
  }

  @Test
  void refusesAFileOutsideTheSpecsDirectory() throws IOException {
    Map<String, String> files = new LinkedHashMap<>(Archives.app("zookeeper/", "6.1.0"));
    files.put("other/x.sh", "echo\n");
    Path archive = write("out.tgz", Archives.tgz(files));

    assertThat(refused(archive).problems().get(0).path()).isEqualTo("entry other/x.sh");
  }

  @Test
  void namesTheArchiveAndEntryOfAnInvalidSpec() throws IOException {
    Path archive =
        write("bad.tgz", Archives.tgz(Map.of("zk/app.yaml", "name: zookeeper\nversion: 1\n")));

    ValidationException e = refused(archive);

    assertThat(e.getMessage()).contains("archive " + archive + " entry zk/app.yaml");
    assertThat(e.problems()).isNotEmpty();
  }

  static Stream<String> unsafeNames() {
    return Stream.of("../evil", "zookeeper/../../evil", "/etc/evil", "zookeeper/..\\..\\evil");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("unsafeNames")
  void refusesAnEntryThatEscapesTheRootBeforeWritingAnything(String name) throws IOException {
    // the bad entry comes after the spec and a template, so that a reader that extracted as it
    // went would already have written them
    Map<String, String> files = new LinkedHashMap<>(Archives.app("zookeeper/", "6.1.0"));
    files.put(name, "pwned\n");
    Path tgz = write("evil.tgz", Archives.tgz(files));
    Path zip = write("evil.zip", Archives.zip(files));

    for (Path archive : List.of(tgz, zip)) {
      ValidationException e = refused(archive);
      assertThat(e.problems()).hasSize(1);
      assertThat(e.problems().get(0).path()).isEqualTo("entry " + name);
      assertThat(e.getMessage()).contains("archive " + archive);
    }
    assertNothingWritten();
  }

  @Test
  void refusesASymbolicLinkInATgz() throws IOException {
    Path archive =
        write(
            "link.tgz",
            Archives.tgz(Archives.app("zookeeper/", "6.1.0"), "zookeeper/passwd", "/etc/passwd"));

    ValidationException e = refused(archive);

    assertThat(e.problems().get(0).path()).isEqualTo("entry zookeeper/passwd");
    assertThat(e.problems().get(0).reason()).contains("link");
    assertNothingWritten();
  }

  @Test
  void refusesASymbolicLinkInAZip() throws IOException {
    Path archive =
        write(
            "link.zip",
            Archives.zipWithLink(Archives.app("", "6.1.0"), "passwd", "../../etc/passwd"));

    ValidationException e = refused(archive);

    assertThat(e.problems().get(0).path()).isEqualTo("entry passwd");
    assertNothingWritten();
  }

  @Test
  void refusesTwoEntriesOfTheSamePath() throws IOException {
    Map<String, String> files = new LinkedHashMap<>(Archives.app("zookeeper/", "6.1.0"));
    files.put("zookeeper/./scripts/start.sh", "#!/bin/sh\necho other\n");

    for (Path archive :
        List.of(write("dup.tgz", Archives.tgz(files)), write("dup.zip", Archives.zip(files)))) {
      ValidationException e = refused(archive);
      assertThat(e.problems().get(0).path()).isEqualTo("entry zookeeper/./scripts/start.sh");
      assertThat(e.problems().get(0).reason()).contains("twice");
    }
  }

  @Test
  void refusesAnArchiveOverTheLimit() throws IOException {
    Map<String, String> files = new LinkedHashMap<>(Archives.app("", "6.1.0"));
    files.put("big.txt", "x".repeat((int) Limits.MAX_BYTES));
    Path archive = write("big.tgz", Archives.tgz(files));

    assertThat(refused(archive).getMessage()).contains(String.valueOf(Limits.MAX_BYTES));
  }

  @Test
  void refusesAFileThatIsNotAnArchive() throws IOException {
    Path archive =
        write("zk.tgz", "name: zookeeper\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(refused(archive).getMessage()).contains("not a .tgz, .tar.gz or .zip archive");
  }

  private static ValidationException refused(Path archive) {
    return catchThrowableOfType(
        ValidationException.class, () -> new ArchiveSpecSource(archive).load());
  }

  /** The temporary directory holds only the archives the test wrote, and its parent no evil. */
  private void assertNothingWritten() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .allMatch(n -> n.endsWith(".tgz") || n.endsWith(".zip"));
    }
    assertThat(dir.getParent().resolve("evil")).doesNotExist();
    assertThat(Path.of("evil")).doesNotExist();
  }
}
