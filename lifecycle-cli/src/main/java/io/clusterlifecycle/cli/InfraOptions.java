package io.clusterlifecycle.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The global options that say where nodes run ({@code --infra}) and how to reach that
 * infrastructure: Kubernetes (also used by {@code --store k8s}), SSH hosts and OpenStack. Checked
 * by the infrastructure's factory before anything is opened or written.
 */
final class InfraOptions {
  @Option(
      names = "--infra",
      scope = ScopeType.INHERIT,
      paramLabel = "KIND",
      description =
          "Where nodes run: local (default: processes under DIR/nodes), k8s (pods in a"
              + " Kubernetes namespace), ssh (hosts of an --inventory file) or openstack (Nova"
              + " servers, commands over SSH).")
  Infra infra = Infra.local;

  @Option(
      names = "--kubeconfig",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "The kubeconfig for --infra k8s and --store k8s (default: $KUBECONFIG, ~/.kube/config"
              + " or the pod's service account).")
  Path kubeconfig;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "The kubeconfig context (default: its current context).")
  String context;

  @Option(
      names = "--k8s-namespace",
      scope = ScopeType.INHERIT,
      paramLabel = "NS",
      description =
          "The Kubernetes namespace of the pods and records (default: the context's, else"
              + " default). Not the clusters' --namespace.")
  String k8sNamespace;

  @Option(
      names = "--k8s-image",
      scope = ScopeType.INHERIT,
      paramLabel = "ROLE=IMAGE",
      description = "The image of a role whose spec names none (repeatable).")
  List<String> k8sImages = new ArrayList<>();

  @Option(
      names = "--k8s-storage-class",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "The storage class of the nodes' PVCs (default: the namespace's).")
  String k8sStorageClass;

  @Option(
      names = "--k8s-addresses",
      scope = ScopeType.INHERIT,
      paramLabel = "KIND",
      description =
          "The nodes' addresses: pod-ip (default; a recreated pod's new IP is republished) or"
              + " dns-name (stable, resolves only inside the Kubernetes cluster).")
  String k8sAddresses;

  @Option(
      names = "--inventory",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "The hosts of --infra ssh (YAML, see docs/ssh.md).")
  Path inventory;

  @Option(
      names = "--ssh-key",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "The private key --infra ssh and --infra openstack log in with, unless an inventory"
              + " host names its own (unencrypted OpenSSH or PEM).")
  Path sshKey;

  @Option(
      names = "--known-hosts",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "The known-hosts file of --infra ssh and openstack (default: ~/.ssh/known_hosts).")
  Path knownHosts;

  @Option(
      names = "--host-key-check",
      scope = ScopeType.INHERIT,
      paramLabel = "MODE",
      description =
          "How --infra ssh and openstack check host keys: strict (default: listed in the known-hosts file),"
              + " accept-new (unlisted hosts are added on first use) or pinned (--pin-host-key).")
  String hostKeyCheck;

  @Option(
      names = "--pin-host-key",
      scope = ScopeType.INHERIT,
      paramLabel = "KEY",
      description =
          "A host key accepted by --host-key-check pinned: a SHA256: fingerprint or a public"
              + " key line (repeatable).")
  List<String> pinnedHostKeys = new ArrayList<>();

  @Option(
      names = "--ssh-user",
      scope = ScopeType.INHERIT,
      paramLabel = "USER",
      description =
          "The user --infra openstack logs in to its servers as (default: this user; cloud"
              + " images often want ubuntu, debian or cloud-user).")
  String sshUser;

  @Option(
      names = "--ssh-port",
      scope = ScopeType.INHERIT,
      paramLabel = "PORT",
      description = "The SSH port of --infra openstack's servers (default: 22).")
  Integer sshPort;

  @Option(
      names = "--os-cloud",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description =
          "The cloud of clouds.yaml that --infra openstack uses (default: $OS_CLOUD, else the"
              + " OS_* variables).")
  String osCloud;

  @Option(
      names = "--clouds-yaml",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "The clouds.yaml of --os-cloud (default: $OS_CLIENT_CONFIG_FILE, ./clouds.yaml,"
              + " ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml).")
  Path cloudsYaml;

  @Option(
      names = "--os-network",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description =
          "The Neutron network of the servers' ports, or none (default:"
              + " $LIFECYCLE_OS_NETWORK, else none).")
  String osNetwork;

  @Option(
      names = "--os-floating-network",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description =
          "An external network to give every server a floating IP from, its address (default:"
              + " $LIFECYCLE_OS_FLOATING_NETWORK, else none).")
  String osFloatingNetwork;

  @Option(
      names = "--os-image",
      scope = ScopeType.INHERIT,
      paramLabel = "IMAGE",
      description =
          "The Glance image (name or id) of roles whose spec names none (default:"
              + " $LIFECYCLE_OS_IMAGE).")
  String osImage;

  @Option(
      names = "--os-key-name",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description =
          "The Nova keypair put on every server, the public half of --ssh-key (default:"
              + " $LIFECYCLE_OS_KEY_NAME).")
  String osKeyName;
}
