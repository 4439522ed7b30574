package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.spi.k8s.K8sAddresses;
import io.clusterlifecycle.spi.k8s.K8sConnection;
import io.clusterlifecycle.spi.k8s.K8sPodSettings;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where Kubernetes is ({@code --kubeconfig}, {@code --context}, {@code --k8s-namespace}) and how
 * pods are written ({@code --k8s-image}, {@code --k8s-storage-class}), checked by reading the
 * kubeconfig, never by connecting: a dry run ({@code plan --format k8s}) uses it too.
 *
 * @param connection the connection the options describe
 * @param namespace the namespace: the option's, else the context's, else {@code default}
 * @param pods the pod settings
 */
record KubeSettings(K8sConnection connection, String namespace, K8sPodSettings pods) {

  /**
   * Checks the Kubernetes options.
   *
   * @param o the options
   * @param used whether --infra k8s, --store k8s or --metadata k8s asks for Kubernetes; when not,
   *     the connection options are refused as unused
   * @return the settings
   * @throws ValidationException naming the option to change
   */
  static KubeSettings check(InfraOptions o, boolean used) {
    List<ValidationProblem> p = new ArrayList<>();
    if (!used) {
      for (String[] given :
          new String[][] {
            {"--kubeconfig", o.kubeconfig == null ? null : ""},
            {"--context", o.context},
            {"--k8s-namespace", o.k8sNamespace}
          }) {
        if (given[1] != null) {
          p.add(
              ValidationProblem.of(
                  given[0], "is for --infra k8s, --store k8s or --metadata k8s; drop it"));
        }
      }
      InfraChecks.throwIf(p);
      return new KubeSettings(K8sConnection.ofDefaults(), "default", K8sPodSettings.ofDefaults());
    }
    InfraChecks.readableFile(p, "--kubeconfig", o.kubeconfig, "a kubeconfig file");
    if (o.k8sNamespace != null && !o.k8sNamespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      p.add(
          ValidationProblem.of(
              "--k8s-namespace",
              "'"
                  + o.k8sNamespace
                  + "' is not a Kubernetes namespace name (lower-case DNS label)"));
    }
    K8sPodSettings.Builder pods = K8sPodSettings.builder();
    for (var e : ClusterCommands.pairs(o.k8sImages, "--k8s-image").entrySet()) {
      if (e.getValue().isBlank()) {
        p.add(ValidationProblem.of("--k8s-image", "the image of role " + e.getKey() + " is blank"));
      } else {
        pods.roleImage(e.getKey(), e.getValue());
      }
    }
    if (o.k8sStorageClass != null) {
      if (o.k8sStorageClass.isBlank()) {
        p.add(ValidationProblem.of("--k8s-storage-class", "is blank; give a storage class"));
      } else {
        pods.storageClass(o.k8sStorageClass);
      }
    }
    if (o.k8sAddresses != null) {
      switch (o.k8sAddresses) {
        case "pod-ip" -> pods.addresses(K8sAddresses.POD_IP);
        case "dns-name" -> pods.addresses(K8sAddresses.DNS_NAME);
        default ->
            p.add(
                ValidationProblem.of(
                    "--k8s-addresses",
                    "unknown kind '" + o.k8sAddresses + "'; one of pod-ip, dns-name"));
      }
    }
    InfraChecks.throwIf(p);
    String namespace =
        Optional.ofNullable(o.k8sNamespace)
            .orElseGet(() -> contextNamespace(o.kubeconfig, o.context));
    return new KubeSettings(
        new K8sConnection(
            Optional.ofNullable(o.kubeconfig),
            Optional.ofNullable(o.context),
            Optional.of(namespace)),
        namespace,
        pods.build());
  }

  /** Reads the kubeconfig as the client would, without connecting; refuses what it cannot use. */
  private static String contextNamespace(Path kubeconfig, String context) {
    Config config;
    try {
      config =
          kubeconfig != null
              ? Config.fromKubeconfig(context, kubeconfig.toFile())
              : Config.autoConfigure(context);
    } catch (RuntimeException e) {
      throw new ValidationException(
          "command line",
          List.of(
              ValidationProblem.of(
                  kubeconfig != null ? "--kubeconfig" : "--context",
                  "cannot use "
                      + (kubeconfig != null ? "the kubeconfig " + kubeconfig : "the kubeconfig")
                      + (context != null ? " with context '" + context + "'" : "")
                      + ": "
                      + firstLine(e)
                      + "; give a kubeconfig kubectl can use and one of its contexts")));
    }
    if (context != null
        && (config.getCurrentContext() == null
            || !context.equals(config.getCurrentContext().getName()))) {
      throw new ValidationException(
          "command line",
          List.of(
              ValidationProblem.of(
                  "--context",
                  "the kubeconfig has no context '"
                      + context
                      + "'; its contexts are "
                      + config.getContexts().stream().map(c -> c.getName()).toList())));
    }
    return Optional.ofNullable(config.getNamespace()).orElse("default");
  }

  private static String firstLine(Throwable e) {
    // fabric8 wraps the parser's error in "An error has occurred."; the innermost one says what
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = String.valueOf(t.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
