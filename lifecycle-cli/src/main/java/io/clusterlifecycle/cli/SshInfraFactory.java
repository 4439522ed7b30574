package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.spi.local.LocalHome;
import io.clusterlifecycle.spi.local.LocalMetadataStore;
import io.clusterlifecycle.spi.ssh.HostKeyCheck;
import io.clusterlifecycle.spi.ssh.Inventory;
import io.clusterlifecycle.spi.ssh.InventoryHost;
import io.clusterlifecycle.spi.ssh.SshCommandExecutor;
import io.clusterlifecycle.spi.ssh.StaticInventoryProvider;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code --infra ssh}: nodes are placed on the hosts of an inventory file and their commands run
 * over SSH (docs/ssh.md). Without a shared tree, the metadata tree lives in the home, and each
 * command's {@code metadata.json} is written on its host from it.
 */
final class SshInfraFactory implements InfraFactory {
  @Override
  public Checked check(InfraOptions o, KubeSettings kube) {
    InfraChecks.onlyFor(o, Infra.ssh);
    List<ValidationProblem> p = new ArrayList<>();
    if (o.inventory == null) {
      p.add(
          ValidationProblem.of(
              "--inventory", "--infra ssh needs the hosts: give --inventory hosts.yaml"));
    }
    InfraChecks.readableFile(p, "--inventory", o.inventory, "a YAML inventory file");
    InfraChecks.readableFile(p, "--ssh-key", o.sshKey, "a private key file");
    HostKeyCheck check = hostKeyCheck(o, p);
    if (check == HostKeyCheck.STRICT) {
      Path known = knownHosts(o);
      InfraChecks.readableFile(
          p,
          "--known-hosts",
          known,
          "the known-hosts file listing the hosts' keys (or --host-key-check accept-new)");
    }
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
    List<String> pins = List.copyOf(o.pinnedHostKeys);
    return (home, sharedTree, client) -> {
      List<AutoCloseable> closing = new ArrayList<>();
      MetadataStore tree =
          sharedTree.orElseGet(
              () -> {
                LocalMetadataStore local = new LocalMetadataStore(LocalHome.open(home));
                closing.add(local);
                return local;
              });
      SshCommandExecutor.Builder b =
          SshCommandExecutor.builder()
              .hostKeyCheck(check)
              .targets(inventory.targets())
              .metadata(tree, LifecycleEngine.DEFAULT_METADATA_ROOT);
      Optional.ofNullable(o.sshKey).ifPresent(b::identity);
      Optional.ofNullable(o.knownHosts).ifPresent(b::knownHosts);
      pins.forEach(b::pinHostKey);
      SshCommandExecutor commands = b.build();
      closing.add(0, commands);
      StaticInventoryProvider resources =
          StaticInventoryProvider.builder(inventory, commands).build();
      closing.add(0, resources);
      return new InfraFactory.Parts(
          resources, commands, tree, Optional.empty(), () -> Closer.closeAll(closing));
    };
  }

  private static Path knownHosts(InfraOptions o) {
    return o.knownHosts != null
        ? o.knownHosts
        : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
  }

  private static HostKeyCheck hostKeyCheck(InfraOptions o, List<ValidationProblem> p) {
    String mode = o.hostKeyCheck == null ? "strict" : o.hostKeyCheck.toLowerCase(Locale.ROOT);
    HostKeyCheck check =
        switch (mode) {
          case "strict" -> HostKeyCheck.STRICT;
          case "accept-new" -> HostKeyCheck.ACCEPT_NEW;
          case "pinned" -> HostKeyCheck.PINNED;
          default -> {
            p.add(
                ValidationProblem.of(
                    "--host-key-check",
                    "unknown mode '" + o.hostKeyCheck + "'; one of strict, accept-new, pinned"));
            yield null;
          }
        };
    if (check == HostKeyCheck.PINNED && o.pinnedHostKeys.isEmpty()) {
      p.add(
          ValidationProblem.of(
              "--pin-host-key",
              "--host-key-check pinned needs the hosts' keys: give --pin-host-key SHA256:..."
                  + " (ssh-keygen -lf) or a public key line"));
    }
    if (check != null && check != HostKeyCheck.PINNED && !o.pinnedHostKeys.isEmpty()) {
      p.add(
          ValidationProblem.of(
              "--pin-host-key", "is used only with --host-key-check pinned; add it or drop this"));
    }
    for (String pin : o.pinnedHostKeys) {
      try {
        SshCommandExecutor.builder().pinHostKey(pin);
      } catch (IllegalArgumentException e) {
        p.add(
            ValidationProblem.of(
                "--pin-host-key",
                "is neither a SHA256: fingerprint nor a public key line (the key itself is not"
                    + " shown)"));
      }
    }
    return check;
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
