package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.testkit.compat.CommandExecutorCompatibilityKit;
import io.clusterlifecycle.testsupport.SshServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SshCommandExecutor} keeps the {@link CommandExecutor} contract against a real OpenSSH
 * server on 127.0.0.1, with strict host-key checking against the server's known-hosts file.
 */
class SshCommandExecutorCompatibilityTest extends CommandExecutorCompatibilityKit {
  private static SshServer sshd;
  @TempDir static Path nodes;

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

  @Override
  protected CommandExecutor newExecutor() {
    return SshCommandExecutor.builder()
        .identity(sshd.clientKey())
        .knownHosts(sshd.knownHosts())
        .user(sshd.user())
        .port(sshd.port())
        .nodeDirectory(nodes.toString())
        .build();
  }

  @Override
  protected NodeResource node() {
    return NodeResource.builder()
        .ref(new NodeRef("kit-cluster", "kit-node"))
        .role("kit")
        .instanceId("127.0.0.1")
        .address("127.0.0.1")
        .running(true)
        .build();
  }
}
