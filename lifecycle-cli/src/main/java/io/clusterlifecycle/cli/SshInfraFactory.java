package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.spi.ssh.Inventory;
import io.clusterlifecycle.spi.ssh.InventoryHost;
import io.clusterlifecycle.spi.ssh.SshCommandExecutor;
import io.clusterlifecycle.spi.ssh.StaticInventoryProvider;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --infra ssh}: nodes are placed on the hosts of an inventory file and their commands run
 * over SSH (docs/ssh.md). Without a shared tree, the metadata tree lives in the home, and each
 * command's {@code metadata.json} is written on its host from it.
 */
final class SshInfraFactory implements InfraFactory {
  @Override
  public Checked check(InfraOptions o, KubeSettings kube, Map<String, String> env) {
    InfraChecks.onlyFor(o, Infra.ssh);
    List<ValidationProblem> p = new ArrayList<>();
    if (o.inventory == null) {
      p.add(
          ValidationProblem.of(
              "--inventory", "--infra ssh needs the hosts: give --inventory hosts.yaml"));
    }
    InfraChecks.readableFile(p, "--inventory", o.inventory, "a YAML inventory file");
    SshAccess access = SshAccess.check(o, p);
    InfraChecks.throwIf(p);
    Inventory inventory = load(o.inventory);
    for (InventoryHost h : inventory.hosts()) {
      if (h.key().isPresent()) {
        InfraChecks.readableFile(
            p,
            "--inventory",
            h.key().get(),
            "a private key file for host " + h.name() + " (its 'key' in " + o.inventory + ")");
      } else if (o.sshKey == null) {
        p.add(
            ValidationProblem.of(
                "--ssh-key",
                "host "
                    + h.name()
                    + " of "
                    + o.inventory
                    + " names no key; give --ssh-key FILE or a 'key' for the host"));
      }
    }
    InfraChecks.throwIf(p);
    return (home, sharedTree, client) -> {
      List<AutoCloseable> closing = new ArrayList<>();
      MetadataStore tree = InfraFactory.homeTreeUnlessShared(home, sharedTree, closing);
      SshCommandExecutor commands =
          access
              .executor()
              .targets(inventory.targets())
              .metadata(tree, LifecycleEngine.DEFAULT_METADATA_ROOT)
              .build();
      closing.add(0, commands);
      StaticInventoryProvider resources =
          StaticInventoryProvider.builder(inventory, commands).build();
      closing.add(0, resources);
      return new InfraFactory.Parts(
          resources, commands, tree, Optional.empty(), () -> Closer.closeAll(closing));
    };
  }

  private static Inventory load(Path file) {
    try {
      return Inventory.load(file);
    } catch (UncheckedIOException e) {
      throw new ValidationException(
          "command line",
          List.of(
              ValidationProblem.of(
                  "--inventory",
                  "cannot read "
                      + file
                      + ": "
                      + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())
                      + "; give a YAML inventory (docs/ssh.md)")));
    }
  }
}
