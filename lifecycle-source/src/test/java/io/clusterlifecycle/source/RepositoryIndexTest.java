package io.clusterlifecycle.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.clusterlifecycle.api.error.ValidationException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The index format and where its URLs may lead. */
class RepositoryIndexTest {

  @Test
  void keepsScalarsAsWritten() {
    String digits = "0".repeat(63) + "1";
    RepositoryIndex index =
        RepositoryIndex.parse(
            "index",
            "entries:\n  zk:\n    - version: 6.10\n      urls: [a.tgz]\n      digest: " + digits,
            false);

    RepositoryIndex.Version v = index.apps().get("zk").get(0);
    assertThat(v.version()).isEqualTo("6.10");
    assertThat(v.digest()).contains(digits);
    assertThat(v.description()).isEmpty();
  }

  @Test
  void readsAJsonIndex() {
    RepositoryIndex index =
        RepositoryIndex.parse(
            "index",
            "{\"entries\": {\"zk\": [{\"version\": \"1.0\", \"urls\": [\"zk.zip\"],"
                + " \"description\": \"ZooKeeper\"}]}}",
            true);

    assertThat(index.apps().get("zk").get(0).description()).isEqualTo("ZooKeeper");
  }

  @Test
  void refusesAnIndexWithoutEntriesAndAliases() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> RepositoryIndex.parse("index", "apiVersion: v1\n", false));
    assertThat(e.problems().get(0).path()).isEqualTo("entries");

    e =
        catchThrowableOfType(
            ValidationException.class,
            () ->
                RepositoryIndex.parse(
                    "index",
                    "d: &d abc\nentries:\n  zk:\n    - version: *d\n      urls: [a]\n",
                    false));
    assertThat(e.getMessage()).contains("aliases");
  }

  @Test
  void aRemoteIndexMayNameOnlyHttpUrls() {
    RepositoryLocation remote = RepositoryLocation.of("https://charts.example.com/apps/");
    assertThat(remote.resolve("zk-1.0.tgz"))
        .contains(URI.create("https://charts.example.com/apps/zk-1.0.tgz"));
    assertThat(remote.resolve("../other/zk.tgz"))
        .contains(URI.create("https://charts.example.com/other/zk.tgz"));
    assertThat(remote.resolve("file:///etc/passwd")).isEmpty();

    RepositoryLocation local = RepositoryLocation.of("/srv/apps");
    assertThat(local.resolve("zk.tgz")).contains(URI.create("file:///srv/apps/zk.tgz"));
    assertThat(local.resolve("https://mirror.example.com/zk.tgz")).isPresent();
    assertThat(local.resolve("ftp://mirror.example.com/zk.tgz")).isEmpty();
  }
}
