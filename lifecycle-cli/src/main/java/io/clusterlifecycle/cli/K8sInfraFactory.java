package io.clusterlifecycle.cli;

import io.clusterlifecycle.spi.k8s.K8sInfrastructure;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --infra k8s}: nodes are pods of a namespace, commands run by pod exec and read the tree
 * from its ConfigMaps (docs/k8s.md). The client is the session's {@link KubeClient}.
 */
final class K8sInfraFactory implements InfraFactory {
  @Override
  public Checked check(InfraOptions options, KubeSettings kube, Map<String, String> env) {
    InfraChecks.onlyFor(options, Infra.k8s);
    return (home, sharedTree, client) -> {
      K8sInfrastructure infra =
          K8sInfrastructure.on(
              client.client(), client.settings().namespace(), client.settings().pods());
      return new InfraFactory.Parts(
          infra.resources(), infra.commands(), infra.metadata(), Optional.empty(), infra::close);
    };
  }
}
