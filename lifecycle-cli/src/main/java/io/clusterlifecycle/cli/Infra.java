package io.clusterlifecycle.cli;

/**
 * The infrastructures the tool runs nodes on, the values of {@code --infra}. Each opens through a
 * factory of its own; another infrastructure is one more constant and one more {@link
 * InfraFactory}.
 */
enum Infra {
  /** Processes on this machine, under the home's {@code nodes} directory. */
  local(new LocalInfraFactory()),
  /** Pods in a Kubernetes namespace (lifecycle-spi-k8s, docs/k8s.md). */
  k8s(new K8sInfraFactory()),
  /** Existing hosts of an inventory file, reached over SSH (lifecycle-spi-ssh, docs/ssh.md). */
  ssh(new SshInfraFactory()),
  /**
   * Nova servers of an OpenStack cloud, commands over SSH (lifecycle-spi-openstack,
   * docs/openstack.md).
   */
  openstack(new OpenStackInfraFactory());

  private final InfraFactory factory;

  Infra(InfraFactory factory) {
    this.factory = factory;
  }

  /** The factory that checks this infrastructure's options and opens it. */
  InfraFactory factory() {
    return factory;
  }
}
