package io.clusterlifecycle.spi.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testsupport.SshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a metadata store, each run writes the cluster's subtree to the node's {@code metadata.json}
 * on the host before the command starts, and {@code LC_METADATA} names it; inherited {@code LC_*}
 * variables of the engine's set never reach the command.
 */
class SshMetadataFileIT {
  private static SshServer sshd;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshServer.start();
  }

  @AfterAll
  static void stop() {
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void run_writesTheNodesMetadataFile_beforeTheCommand_andNamesItInLcMetadata() throws Exception {
    InMemoryMetadataStore store = new InMemoryMetadataStore();
    store
        .commit(
            new MetadataChange(
                Map.of(
                    "/clusters/c1/cluster/name", "demo",
                    "/clusters/c1/hosts/db/c1-db-1/ip", "127.0.0.1",
                    "/clusters/c2/cluster/name", "other"),
                List.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    try (SshCommandExecutor executor =
        SshCommandExecutor.builder()
            .identity(sshd.clientKey())
            .knownHosts(sshd.knownHosts())
            .user(sshd.user())
            .port(sshd.port())
            .nodeDirectory(dir.toString())
            .metadata(store, "/clusters")
            .build()) {
      CommandResult r =
          executor
              .run(
                  CommandRequest.builder()
                      .node(
                          NodeResource.builder()
                              .ref(new NodeRef("c1", "c1-db-1"))
                              .role("db")
                              .instanceId("127.0.0.1")
                              .address("127.0.0.1")
                              .running(true)
                              .build())
                      .service("meta")
                      .script("printf '%s\\n' \"$LC_METADATA\"; tr -d ' \\n' < \"$LC_METADATA\"")
                      .environment(Map.of())
                      .timeout(Duration.ofSeconds(60))
                      .build())
              .get(60, TimeUnit.SECONDS);

      assertThat(r.exitCode()).as("stderr: %s", r.stderrTail()).isZero();
      assertThat(r.stdoutTail())
          .isEqualTo(
              dir.resolve("c1-db-1").resolve("metadata.json")
                  + "\n"
                  + "{\"cluster\":{\"name\":\"demo\"},\"hosts\":{\"db\":{\"c1-db-1\":{\"ip\":\"127.0.0.1\"}}}}");
    }
  }
}
