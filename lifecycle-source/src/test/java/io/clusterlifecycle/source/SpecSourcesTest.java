package io.clusterlifecycle.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.source.LoadedApp;
import io.clusterlifecycle.api.source.SpecSource;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The priority rule: archive, then file, then repository. */
class SpecSourcesTest {

  private static SpecSource named(String name) {
    return new SpecSource() {
      @Override
      public LoadedApp load() {
        throw new AssertionError("choose must not load " + name);
      }

      @Override
      public String describe() {
        return name;
      }
    };
  }

  private static final Optional<SpecSource> ARCHIVE = Optional.of(named("archive"));
  private static final Optional<SpecSource> FILE = Optional.of(named("file"));
  private static final Optional<SpecSource> REPO = Optional.of(named("repo"));
  private static final Optional<SpecSource> NONE = Optional.empty();

  @Test
  void theArchiveComesFirstThenTheFileThenTheRepository() {
    assertThat(SpecSources.choose(ARCHIVE, FILE, REPO).describe()).isEqualTo("archive");
    assertThat(SpecSources.choose(ARCHIVE, NONE, REPO).describe()).isEqualTo("archive");
    assertThat(SpecSources.choose(ARCHIVE, FILE, NONE).describe()).isEqualTo("archive");
    assertThat(SpecSources.choose(NONE, FILE, REPO).describe()).isEqualTo("file");
    assertThat(SpecSources.choose(NONE, FILE, NONE).describe()).isEqualTo("file");
    assertThat(SpecSources.choose(NONE, NONE, REPO).describe()).isEqualTo("repo");
  }

  @Test
  void noSourceIsRefused() {
    assertThatThrownBy(() -> SpecSources.choose(NONE, NONE, NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no app spec source");
  }

  @Test
  void theFactoriesDescribeTheirSource() {
    assertThat(SpecSources.file(Path.of("zk.yaml")).describe()).isEqualTo("file zk.yaml");
    assertThat(SpecSources.archive(Path.of("zk.tgz")).describe()).isEqualTo("archive zk.tgz");
    assertThat(SpecSources.repository("https://user:pw@charts.example.com/apps").describe())
        .isEqualTo("repo https://charts.example.com/apps/index.yaml");
    assertThat(SpecSources.repository("https://charts.example.com/x/idx.json").describe())
        .isEqualTo("repo https://charts.example.com/x/idx.json");
    assertThatThrownBy(() -> SpecSources.repository("ftp://host/x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
