package io.clusterlifecycle.cli;

import io.clusterlifecycle.spi.local.LocalInfrastructure;
import java.util.Map;
import java.util.Optional;

/** {@code --infra local}: nodes are processes under the home's {@code nodes} directory. */
final class LocalInfraFactory implements InfraFactory {
  @Override
  public Checked check(InfraOptions options, KubeSettings kube, Map<String, String> env) {
    InfraChecks.onlyFor(options, Infra.local);
    return (home, sharedTree, client) -> {
      LocalInfrastructure infra = LocalInfrastructure.open(home);
      return new InfraFactory.Parts(
          infra.resources(), infra.commands(), infra.metadata(), Optional.of(infra), infra::close);
    };
  }
}
