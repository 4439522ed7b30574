package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit;
import io.clusterlifecycle.testsupport.SshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StaticInventoryProvider} keeps the {@link ResourceProvider} contract over an inventory of
 * ten hosts, 127.0.0.1 to 127.0.0.10 on a real sshd, each with a directory of its own; the node and
 * volume directories are made and removed over SSH.
 */
class StaticInventoryProviderCompatibilityTest extends ResourceProviderCompatibilityKit {
  private static final int HOSTS = 10;
  private static SshServer sshd;
  private static Inventory inventory;
  private static SshCommandExecutor executor;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshServer.start(HOSTS);
    List<String> yaml = new ArrayList<>();
    yaml.add("defaults:");
    yaml.add("  user: " + sshd.user());
    yaml.add("  port: " + sshd.port());
    yaml.add("  key: " + sshd.clientKey());
    yaml.add("hosts:");
    for (String address : sshd.addresses()) {
      yaml.add("  - name: host-" + address);
      yaml.add("    address: " + address);
      yaml.add("    directory: " + dir.resolve("host-" + address));
    }
    Path file = dir.resolve("hosts.yaml");
    Files.write(file, yaml);
    inventory = Inventory.load(file);
    executor =
        SshCommandExecutor.builder()
            .knownHosts(sshd.knownHosts())
            .targets(inventory.targets())
            .build();
  }

  @AfterAll
  static void stop() {
    if (executor != null) {
      executor.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  @Override
  protected ResourceProvider newProvider() {
    return StaticInventoryProvider.builder(inventory, executor)
        .claimsFile(dir.resolve("claims.json"))
        .build();
  }
}
