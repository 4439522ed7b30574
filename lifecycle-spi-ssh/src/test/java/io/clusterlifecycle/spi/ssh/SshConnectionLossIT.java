package io.clusterlifecycle.spi.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.testsupport.SshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that drops while a command runs (the sshd processes serving it are killed, as a
 * network failure would) fails that command's stage with a permanent error saying the command may
 * still run; a fence with its run key then kills it, and the executor reconnects for the next
 * command.
 */
class SshConnectionLossIT {
  private static final String RUN_KEY = "op-lost/step-1";
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
  void droppedConnection_failsTheStep_andFenceThenKillsTheCommand() throws Exception {
    Path node = dir.resolve("nodes").resolve("lost-node");
    try (SshCommandExecutor executor = executor()) {
      CompletableFuture<CommandResult> running =
          executor.run(
              request("echo $$ > started.pid; sleep 300; touch finished").toBuilder()
                  .runKey(RUN_KEY)
                  .build());
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(node.resolve("started.pid")));
      long started = Long.parseLong(Files.readString(node.resolve("started.pid")).strip());

      assertThat(sshd.dropConnections()).isPositive();

      Throwable failed =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> running.handle((r, e) -> e).getNow(null), e -> e != null);
      Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
      assertThat(cause)
          .isInstanceOf(LifecycleException.class)
          .isNotInstanceOf(TransientSpiException.class)
          .hasMessageContaining("connection to " + sshd.user() + "@127.0.0.1:" + sshd.port())
          .hasMessageContaining("was lost while lost on node lost-node")
          .hasMessageContaining("may still be running")
          .hasMessageContaining(RUN_KEY);
      assertThat(Processes.running(started)).as("the command outlives its connection").isTrue();

      CommandResult after = executor.run(request("echo reconnected")).get(60, TimeUnit.SECONDS);
      assertThat(after.stdoutTail()).as("the executor reconnects").isEqualTo("reconnected\n");
    }

    long pid = Long.parseLong(Files.readString(node.resolve("started.pid")).strip());
    try (SshCommandExecutor other = executor()) {
      other.fence(request("true").node(), RUN_KEY).get(60, TimeUnit.SECONDS);
    }
    assertThat(Processes.running(pid))
        .as("a fence from another executor killed the command the lost connection left running")
        .isFalse();
    assertThat(node.resolve("finished")).doesNotExist();
  }

  private static SshCommandExecutor executor() {
    return SshCommandExecutor.builder()
        .identity(sshd.clientKey())
        .knownHosts(sshd.knownHosts())
        .user(sshd.user())
        .port(sshd.port())
        .nodeDirectory(dir.resolve("nodes").toString())
        .build();
  }

  private static CommandRequest request(String script) {
    return CommandRequest.builder()
        .node(
            NodeResource.builder()
                .ref(new NodeRef("lost", "lost-node"))
                .role("r")
                .instanceId("127.0.0.1")
                .address("127.0.0.1")
                .running(true)
                .build())
        .service("lost")
        .script(script)
        .environment(Map.of())
        .timeout(Duration.ofMinutes(10))
        .build();
  }
}
