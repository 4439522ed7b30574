package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.spi.openstack.OpenStackInfrastructure;
import io.clusterlifecycle.spi.openstack.OpenStackResourceProvider;
import io.clusterlifecycle.spi.ssh.SshCommandExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --infra openstack}: nodes are Nova servers (lifecycle-spi-openstack, docs/openstack.md)
 * and their commands run over SSH at each node's address (lifecycle-spi-ssh). Credentials come from
 * the {@code OS_*} variables or a cloud of a {@code clouds.yaml}; the provider's settings from
 * {@code --os-*} options, else the {@code LIFECYCLE_OS_*} variables. As with {@code --infra ssh},
 * the tree the nodes read is the home's unless a shared store holds it.
 */
final class OpenStackInfraFactory implements InfraFactory {
  /** The network name that means servers boot without one. */
  static final String NO_NETWORK = "none";

  @Override
  public Checked check(InfraOptions o, KubeSettings kube, Map<String, String> env) {
    InfraChecks.onlyFor(o, Infra.openstack);
    List<ValidationProblem> p = new ArrayList<>();
    SshAccess access = SshAccess.check(o, p);
    if (o.sshKey == null) {
      p.add(
          ValidationProblem.of(
              "--ssh-key",
              "--infra openstack runs commands on its servers over SSH: give --ssh-key FILE,"
                  + " the private half of the keypair the servers get (--os-key-name)"));
    }
    if (o.sshPort != null && (o.sshPort < 1 || o.sshPort > 65535)) {
      p.add(ValidationProblem.of("--ssh-port", "must be 1 to 65535, was " + o.sshPort));
    }
    InfraChecks.readableFile(p, "--clouds-yaml", o.cloudsYaml, "a clouds.yaml");
    if (o.cloudsYaml != null && o.osCloud == null && blank(env.get("OS_CLOUD"))) {
      p.add(
          ValidationProblem.of(
              "--clouds-yaml", "names the file of a cloud: give --os-cloud NAME as well"));
    }
    InfraChecks.throwIf(p);
    OpenStackResourceProvider.Builder provider = provider(o, env, p);
    InfraChecks.throwIf(p);
    return (home, sharedTree, client) -> {
      List<AutoCloseable> closing = new ArrayList<>();
      MetadataStore tree = InfraFactory.homeTreeUnlessShared(home, sharedTree, closing);
      SshCommandExecutor.Builder b =
          access.executor().metadata(tree, LifecycleEngine.DEFAULT_METADATA_ROOT);
      Optional.ofNullable(o.sshUser).ifPresent(b::user);
      Optional.ofNullable(o.sshPort).ifPresent(b::port);
      SshCommandExecutor commands = b.build();
      closing.add(0, commands);
      OpenStackResourceProvider resources = provider.build();
      closing.add(0, resources);
      return new InfraFactory.Parts(
          resources, commands, tree, Optional.empty(), () -> Closer.closeAll(closing));
    };
  }

  /**
   * Reads the credentials and settings, without connecting: {@code --os-cloud} and {@code
   * --clouds-yaml} stand for {@code OS_CLOUD} and {@code OS_CLIENT_CONFIG_FILE}.
   */
  private static OpenStackResourceProvider.Builder provider(
      InfraOptions o, Map<String, String> env, List<ValidationProblem> p) {
    Map<String, String> vars = new HashMap<>(env);
    Optional.ofNullable(o.osCloud).ifPresent(c -> vars.put("OS_CLOUD", c));
    Optional.ofNullable(o.cloudsYaml)
        .ifPresent(f -> vars.put("OS_CLIENT_CONFIG_FILE", f.toString()));
    Optional.ofNullable(o.osNetwork).ifPresent(n -> vars.put(OpenStackInfrastructure.NETWORK, n));
    boolean noNetwork = blank(vars.get(OpenStackInfrastructure.NETWORK));
    if (NO_NETWORK.equals(vars.get(OpenStackInfrastructure.NETWORK))) {
      vars.remove(OpenStackInfrastructure.NETWORK);
      noNetwork = true;
    }
    OpenStackResourceProvider.Builder b;
    try {
      b = OpenStackInfrastructure.builderFromEnvironment(vars);
    } catch (IllegalStateException e) {
      boolean cloud = !blank(vars.get("OS_CLOUD"));
      p.add(
          ValidationProblem.of(
              cloud ? "--os-cloud" : "--infra",
              e.getMessage()
                  + (cloud
                      ? "; give a cloud of the clouds.yaml (--clouds-yaml FILE)"
                      : "; set the OS_* variables (source the cloud's openrc) or give"
                          + " --os-cloud NAME")));
      return null;
    }
    Optional.ofNullable(o.osFloatingNetwork).ifPresent(b::floatingIpNetwork);
    Optional.ofNullable(o.osImage).ifPresent(b::defaultImage);
    Optional.ofNullable(o.osKeyName).ifPresent(b::keyName);
    if (noNetwork && o.osFloatingNetwork != null) {
      p.add(
          ValidationProblem.of(
              "--os-floating-network",
              "a floating IP is bound to a port: give --os-network NAME as well"));
    }
    return b;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
