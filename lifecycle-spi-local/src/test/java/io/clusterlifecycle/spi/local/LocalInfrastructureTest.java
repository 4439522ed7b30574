package io.clusterlifecycle.spi.local;

import static io.clusterlifecycle.spi.local.Fixtures.await;
import static io.clusterlifecycle.spi.local.Fixtures.cluster;
import static io.clusterlifecycle.spi.local.Fixtures.failure;
import static io.clusterlifecycle.spi.local.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.NodeResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalInfrastructureTest {
  @TempDir Path dir;

  @Test
  void open_createsTheHomeLayout() {
    Path home = dir.resolve("nested/.lifecycle");
    try (LocalInfrastructure local = LocalInfrastructure.open(home)) {
      assertThat(local.home().root()).isEqualTo(home.toAbsolutePath());
      for (String sub :
          List.of(
              "nodes",
              "clusters",
              "operations",
              "metadata",
              "kept-volumes",
              "backup-records",
              "backups")) {
        assertThat(home.resolve(sub)).isDirectory();
      }
    }
  }

  @Test
  void aNodesCommand_readsTheCommittedTreeThroughLcMetadata() {
    try (LocalInfrastructure local = LocalInfrastructure.open(dir)) {
      NodeResource n = await(local.resources().create(node("c1", "demo-zk-1", "zk", 0)));
      await(
          local
              .metadata()
              .commit(
                  new MetadataChange(
                      Map.of(
                          "/clusters/c1/hosts/zk/demo-zk-1/ip",
                          n.address(),
                          "/clusters/c1/env/greeting",
                          "hello \"world\" $(rm -rf /)"),
                      List.of())));

      CommandResult r =
          await(
              local
                  .commands()
                  .run(
                      CommandRequest.builder()
                          .node(n)
                          .service("start")
                          .script("cat \"$LC_METADATA\"")
                          .environment(Map.of())
                          .timeout(Duration.ofSeconds(10))
                          .build()));

      assertThat(r.exitCode()).isZero();
      assertThat(r.stdoutTail())
          .contains("\"ip\" : \"" + n.address() + "\"")
          .contains("hello \\\"world\\\" $(rm -rf /)");
    }
  }

  @Test
  void aNodeCreatedAfterTheCommitListingIt_getsItsMetadataFileAtOnce() {
    try (LocalInfrastructure local = LocalInfrastructure.open(dir)) {
      await(
          local
              .metadata()
              .commit(
                  new MetadataChange(
                      Map.of("/clusters/c1/adding-hosts/zk/demo-zk-1/role", "zk"), List.of())));
      assertThat(dir.resolve("nodes/demo-zk-1")).doesNotExist();

      await(local.resources().create(node("c1", "demo-zk-1", "zk", 0)));

      assertThat(local.home().nodeMetadataFile("demo-zk-1"))
          .content()
          .contains("\"adding-hosts\"")
          .contains("\"role\" : \"zk\"");
    }
  }

  @Test
  void twoInfrastructuresOnOneHome_shareClustersAndNodes() {
    try (LocalInfrastructure first = LocalInfrastructure.open(dir);
        LocalInfrastructure second = LocalInfrastructure.open(dir)) {
      Cluster stored =
          await(first.store().put(cluster("c1", "demo", Instant.parse("2026-01-01T00:00:00Z"))));
      NodeResource n = await(first.resources().create(node("c1", "demo-zk-1", "zk", 0)));

      assertThat(await(second.store().list())).containsExactly(stored);
      assertThat(await(second.resources().list("c1"))).containsExactly(n);
      NodeResource other = await(second.resources().create(node("c1", "demo-zk-2", "zk", 0)));
      assertThat(other.address()).isNotEqualTo(n.address());
    }
  }

  @Test
  void close_killsRunningCommands_andStopsItsThreads() throws Exception {
    LocalInfrastructure local = LocalInfrastructure.open(dir);
    NodeResource n = await(local.resources().create(node("c1", "demo-zk-1", "zk", 0)));
    CompletableFuture<CommandResult> running =
        local
            .commands()
            .run(
                CommandRequest.builder()
                    .node(n)
                    .service("start")
                    .script("sleep 30")
                    .environment(Map.of())
                    .timeout(Duration.ofSeconds(60))
                    .build());

    local.close();
    local.close();

    assertThat(failure(running)).hasMessageContaining("closed");
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("lifecycle-spi-local-")) {
        t.join(2000);
        assertThat(t.isAlive()).as("thread %s", t.getName()).isFalse();
      }
    }
    assertThat(failure(local.store().list())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builder_checksItsSettings() {
    assertThatThrownBy(() -> LocalInfrastructure.builder(dir).ioThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ioThreads");
    assertThatThrownBy(() -> LocalInfrastructure.builder(dir).metadataRoot("clusters"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LocalInfrastructure.builder(dir).killGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    try (LocalInfrastructure local =
        LocalInfrastructure.builder(dir).metadataRoot("/apps/").ioThreads(2).build()) {
      assertThat(local.metadata().root()).isEqualTo("/apps");
    }
    assertThat(Files.isDirectory(dir.resolve("nodes"))).isTrue();
  }
}
