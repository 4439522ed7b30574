package io.clusterlifecycle.spi.local;

import static io.clusterlifecycle.spi.local.Fixtures.await;
import static io.clusterlifecycle.spi.local.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.NodeRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nodes of a cluster share one metadata file: written once per commit, linked elsewhere. */
class NodeMetadataFilesTest {
  @TempDir Path dir;

  private static MetadataChange hosts(String cluster, String value, String... nodeIds) {
    Map<String, String> puts = new LinkedHashMap<>();
    puts.put("/clusters/" + cluster + "/env/value", value);
    for (String n : nodeIds) {
      puts.put("/clusters/" + cluster + "/hosts/zk/" + n + "/role", "zk");
    }
    return new MetadataChange(puts, List.of());
  }

  private static Object inode(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  @Test
  void aCommit_writesTheTreeOnce_andEveryListedNodeLinksToIt() throws IOException {
    try (LocalInfrastructure local = LocalInfrastructure.open(dir)) {
      for (int i = 1; i <= 20; i++) {
        await(local.resources().create(node("c1", "demo-zk-" + i, "zk", 0)));
      }
      await(local.resources().create(node("c2", "other-zk-1", "zk", 0)));
      String[] first = new String[20];
      for (int i = 0; i < 20; i++) {
        first[i] = "demo-zk-" + (i + 1);
      }

      await(local.metadata().commit(hosts("c1", "one", first)));
      await(local.metadata().commit(hosts("c2", "other", "other-zk-1")));

      Path one = local.home().nodeMetadataFile("demo-zk-1");
      Object shared = inode(one);
      for (String n : first) {
        Path f = local.home().nodeMetadataFile(n);
        assertThat(inode(f)).as(n).isEqualTo(shared);
        assertThat(f).content().contains("\"value\" : \"one\"");
      }
      assertThat(inode(local.home().nodeMetadataFile("other-zk-1")))
          .as("another cluster's file")
          .isNotEqualTo(shared);
      assertThat(local.home().nodeMetadataFile("other-zk-1")).content().contains("other");
      try (var files = Files.list(local.home().nodeDirectory("demo-zk-7"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .as("no temporary link is left")
            .containsExactlyInAnyOrder("resource.json", "metadata.json");
      }

      // the next commit lists all but the last node: they move to a new file, it keeps the old one
      String[] second = java.util.Arrays.copyOf(first, 19);
      await(
          local
              .metadata()
              .commit(
                  new MetadataChange(
                      Map.of("/clusters/c1/env/value", "two"),
                      List.of("/clusters/c1/hosts/zk/demo-zk-20"))));

      Object next = inode(local.home().nodeMetadataFile("demo-zk-1"));
      assertThat(next).isNotEqualTo(shared);
      for (String n : second) {
        Path f = local.home().nodeMetadataFile(n);
        assertThat(inode(f)).as(n).isEqualTo(next);
        assertThat(f).content().contains("\"value\" : \"two\"");
      }
      assertThat(local.home().nodeMetadataFile("demo-zk-20"))
          .as("a node no longer listed keeps its last file")
          .content()
          .contains("\"value\" : \"one\"");
    }
  }

  @Test
  void aNodeCreatedAfterTheCommit_linksToTheFileOfThatCommit_orGetsACopyWhenItIsGone()
      throws IOException {
    try (LocalInfrastructure local = LocalInfrastructure.open(dir)) {
      await(local.resources().create(node("c1", "demo-zk-1", "zk", 0)));
      await(
          local
              .metadata()
              .commit(hosts("c1", "one", "demo-zk-1", "demo-zk-2", "demo-zk-3", "demo-zk-4")));

      await(local.resources().create(node("c1", "demo-zk-2", "zk", 0)));

      Object shared = inode(local.home().nodeMetadataFile("demo-zk-1"));
      assertThat(inode(local.home().nodeMetadataFile("demo-zk-2"))).isEqualTo(shared);

      // the file it would link to goes away with its node: the next node gets a copy
      await(local.resources().delete(new NodeRef("c1", "demo-zk-1"), false));
      assertThat(local.home().nodeDirectory("demo-zk-1")).doesNotExist();
      await(local.resources().create(node("c1", "demo-zk-3", "zk", 0)));
      await(local.resources().create(node("c1", "demo-zk-4", "zk", 0)));

      Path three = local.home().nodeMetadataFile("demo-zk-3");
      assertThat(three).content().contains("\"value\" : \"one\"");
      assertThat(inode(three)).isNotEqualTo(shared);
      assertThat(inode(local.home().nodeMetadataFile("demo-zk-4")))
          .as("the copy is the file the next node links to")
          .isEqualTo(inode(three));
    }
  }

  @Test
  void linkOver_replacesTheTargetWithALink_orChangesNothingWithoutASource() throws IOException {
    Path source = dir.resolve("a.json");
    Path target = dir.resolve("b.json");
    Files.writeString(source, "new");
    Files.writeString(target, "old");

    assertThat(AtomicFiles.linkOver(dir.resolve("missing.json"), target)).isFalse();
    assertThat(target).content().isEqualTo("old");

    assertThat(AtomicFiles.linkOver(source, target)).isTrue();
    assertThat(target).content().isEqualTo("new");
    assertThat(inode(target)).isEqualTo(inode(source));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("a.json", "b.json");
    }
  }
}
