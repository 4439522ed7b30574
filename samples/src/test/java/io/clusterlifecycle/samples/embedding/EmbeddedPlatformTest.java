package io.clusterlifecycle.samples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.samples.embedding.EmbeddedPlatform.Step;
import io.clusterlifecycle.samples.embedding.EmbeddedPlatform.Tour;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPlatformTest {
  private static final Path SAMPLE =
      Path.of("src/main/java/io/clusterlifecycle/samples/embedding/EmbeddedPlatform.java");
  private static final Path README =
      Path.of(System.getProperty("lifecycle.repo", "..")).resolve("README.md");

  @Test
  void tour_takesTheClusterThroughItsLife_keepsItsBackup_andLeavesNoNodeBehind(@TempDir Path home)
      throws IOException {
    Tour tour = EmbeddedPlatform.run(home);

    assertThat(tour.steps())
        .containsExactly(
            new Step("create", ClusterState.RUNNING, 3, 2),
            new Step("add 2 nodes", ClusterState.RUNNING, 5, 2),
            new Step("resize to 4 cpu", ClusterState.RUNNING, 5, 4),
            new Step("rolling restart", ClusterState.RUNNING, 5, 4),
            new Step("backup", ClusterState.RUNNING, 5, 4),
            new Step("delete", ClusterState.DONE, 0, 0));
    try (Stream<Path> left = Files.list(home.resolve("nodes"))) {
      assertThat(left).as("node directories after delete").isEmpty();
    }
    // the backup ran on every node, and its artifacts outlive the cluster
    assertThat(tour.backup().clusterId()).isEqualTo(tour.clusterId());
    assertThat(tour.backup().roleCounts()).containsExactly(Map.entry("zk", 5));
    assertThat(tour.backup().artifacts()).hasSize(5);
    for (int i = 1; i <= 5; i++) {
      Path myid =
          home.resolve("backups")
              .resolve(tour.backup().id())
              .resolve("zk1-zk-" + i)
              .resolve("myid");
      assertThat(myid).as("artifact of node %d", i).hasContent("zk1-zk-" + i);
    }
  }

  @Test
  void main_takesTheHomeDirectory(@TempDir Path home) throws IOException {
    EmbeddedPlatform.main(new String[] {home.toString()});

    assertThat(home.resolve("clusters")).isDirectoryContaining("glob:**/zk1-*.json");
  }

  /**
   * The README's Java example is this sample's code: every line of it (without its end-of-line
   * comment) is a line of the sample, in the same order, so an API change that breaks the example
   * breaks the sample's compilation first.
   */
  @Test
  void readmeExample_isTheSamplesCode() throws IOException {
    List<String> example = code(readmeExample());
    List<String> sample = code(Files.readString(SAMPLE));

    assertThat(example).as("the README's Java example").hasSizeGreaterThan(10);
    int at = 0;
    for (String line : example) {
      int found = sample.subList(at, sample.size()).indexOf(line);
      assertThat(found)
          .as(
              "README line '%s' in %s, after line '%s'",
              line, SAMPLE, at == 0 ? "(start)" : sample.get(at - 1))
          .isNotNegative();
      at += found + 1;
    }
  }

  private static String readmeExample() throws IOException {
    String readme = Files.readString(README);
    int start = readme.indexOf("```java\n");
    assertThat(start).as("a ```java block in %s", README).isNotNegative();
    start += "```java\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  /** Non-blank lines, stripped, without end-of-line comments. */
  private static List<String> code(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String code = line.replaceFirst("\\s+// .*$", "").strip();
      if (!code.isEmpty() && !code.startsWith("//")) {
        out.add(code);
      }
    }
    return out;
  }
}
