package io.clusterlifecycle.samples.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the directory provider adds to the contract: its files, and what they survive. */
class DirectoryResourceProviderTest {
  @TempDir Path root;

  private static NodeSpec spec(String clusterId, String nodeId, int volumeSize) {
    return NodeSpec.builder()
        .ref(new NodeRef(clusterId, nodeId))
        .clusterName("demo")
        .namespace("default")
        .role("db")
        .cpu(2)
        .memory(1024)
        .volumeSize(volumeSize)
        .mountPoint(volumeSize > 0 ? "/data" : "")
        .image("")
        .tags(Map.of("team", "a"))
        .build();
  }

  @Test
  void nodes_areFilesThatAnotherProviderOnTheSameRootFindsAgain() throws Exception {
    NodeResource a;
    NodeResource b;
    try (DirectoryResourceProvider provider = DirectoryResourceProvider.open(root)) {
      a = provider.create(spec("c1", "demo-db-1", 10)).join();
      b = provider.create(spec("c1", "demo-db-2", 0)).join();
    }

    try (DirectoryResourceProvider again = DirectoryResourceProvider.open(root)) {
      assertThat(again.list("c1").join()).containsExactly(a, b);
      NodeResource c = again.create(spec("c1", "demo-db-3", 0)).join();
      assertThat(c.address()).as("numbers are never handed out twice").isEqualTo("10.0.0.3");
    }
    assertThat(root.resolve("nodes/c1/demo-db-1.json")).isRegularFile();
    assertThat(root.resolve("volumes").resolve(a.volumeId().orElseThrow())).isDirectory();
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file is left behind")
          .noneMatch(name -> name.endsWith(".tmp"));
    }
  }

  @Test
  void delete_removesTheVolumeDirectory_unlessItIsKept() {
    try (DirectoryResourceProvider provider = DirectoryResourceProvider.open(root)) {
      NodeResource kept = provider.create(spec("c1", "demo-db-1", 10)).join();
      NodeResource dropped = provider.create(spec("c1", "demo-db-2", 10)).join();

      assertThat(provider.delete(kept.ref(), true).join()).contains(kept.volumeId().orElseThrow());
      assertThat(provider.delete(dropped.ref(), false).join()).isEmpty();

      assertThat(root.resolve("volumes").resolve(kept.volumeId().orElseThrow())).isDirectory();
      assertThat(root.resolve("volumes").resolve(dropped.volumeId().orElseThrow())).doesNotExist();
      assertThat(root.resolve("nodes/c1")).isEmptyDirectory();
    }
  }

  @Test
  void idsThatAreNotPlainFileNames_failTheStage_andWriteNothing() throws Exception {
    try (DirectoryResourceProvider provider = DirectoryResourceProvider.open(root)) {
      Throwable t = catchThrowable(() -> provider.create(spec("c1", "../escape", 0)).join());

      assertThat(t)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("../escape");
    }
    try (Stream<Path> files = Files.walk(root.resolve("nodes"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
