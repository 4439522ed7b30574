package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.spi.local.LocalInfrastructure;
import java.util.Optional;

/** {@code --infra local}: nodes are processes under the home's {@code nodes} directory. */
final class LocalInfraFactory implements InfraFactory {
  @Override
  public Checked check(InfraOptions options, KubeSettings kube) {
    InfraChecks.onlyFor(options, Infra.local);
    return (home, sharedTree, client) -> new Opened(LocalInfrastructure.open(home));
  }

  /** The local infrastructure of a home. */
  private record Opened(LocalInfrastructure infra) implements InfraFactory.Opened {
    @Override
    public ResourceProvider resources() {
      return infra.resources();
    }

    @Override
    public CommandExecutor commands() {
      return infra.commands();
    }

    @Override
    public MetadataStore tree() {
      return infra.metadata();
    }

    @Override
    public Optional<LocalInfrastructure> local() {
      return Optional.of(infra);
    }

    @Override
    public void close() {
      infra.close();
    }
  }
}
