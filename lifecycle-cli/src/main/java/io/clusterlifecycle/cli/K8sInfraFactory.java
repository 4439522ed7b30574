package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.spi.k8s.K8sInfrastructure;

/**
 * {@code --infra k8s}: nodes are pods of a namespace, commands run by pod exec and read the tree
 * from its ConfigMaps (docs/k8s.md). The client is the session's {@link KubeClient}.
 */
final class K8sInfraFactory implements InfraFactory {
  @Override
  public Checked check(InfraOptions options, KubeSettings kube) {
    InfraChecks.onlyFor(options, Infra.k8s);
    return (home, sharedTree, client) ->
        new Opened(
            K8sInfrastructure.on(
                client.client(), client.settings().namespace(), client.settings().pods()));
  }

  /** The four Kubernetes adapters on the session's client. */
  private record Opened(K8sInfrastructure infra) implements InfraFactory.Opened {
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
    public void close() {
      infra.close();
    }
  }
}
