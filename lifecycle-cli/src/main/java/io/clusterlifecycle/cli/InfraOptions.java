package io.clusterlifecycle.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The global options that say where nodes run ({@code --infra}) and how to reach that
 * infrastructure: Kubernetes (also used by {@code --store k8s}) and SSH hosts. Checked by the
 * infrastructure's factory before anything is opened or written.
 */
final class InfraOptions {
  @Option(
      names = "--infra",
      scope = ScopeType.INHERIT,
      paramLabel = "KIND",
      description =
          "Where nodes run: local (default: processes under DIR/nodes), k8s (pods in a"
              + " Kubernetes namespace) or ssh (hosts of an --inventory file).")
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
          "The private key --infra ssh logs in with, unless a host names its own (unencrypted"
              + " OpenSSH or PEM).")
  Path sshKey;

  @Option(
      names = "--known-hosts",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "The known-hosts file of --infra ssh (default: ~/.ssh/known_hosts).")
  Path knownHosts;

  @Option(
      names = "--host-key-check",
      scope = ScopeType.INHERIT,
      paramLabel = "MODE",
      description =
          "How --infra ssh checks host keys: strict (default: listed in the known-hosts file),"
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
}
