package io.clusterlifecycle.spi.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a Kubernetes API server is: a kubeconfig file (or the usual places: {@code $KUBECONFIG},
 * {@code ~/.kube/config}, the in-cluster service account), a context in it, and a namespace. The
 * adapters that are given a connection open their own client from it and close it on close.
 *
 * <p>Clients opened here do not retry failed requests themselves ({@code requestRetryBackoffLimit
 * 0}): the engine retries transient failures (docs/design.md §9.1), and retrying at two levels
 * would multiply the attempts.
 *
 * @param kubeconfig the kubeconfig file; empty for the usual places
 * @param context the context; empty for the file's current context
 * @param namespace the namespace; empty for the context's, else {@code default}
 */
public record K8sConnection(
    Optional<Path> kubeconfig, Optional<String> context, Optional<String> namespace) {

  /**
   * Checks for nulls.
   *
   * @param kubeconfig the kubeconfig file, if not the usual one
   * @param context the context, if not the current one
   * @param namespace the namespace, if not the context's
   */
  public K8sConnection {
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(namespace, "namespace");
  }

  /**
   * Returns the connection the usual places describe: {@code kubectl}'s current context.
   *
   * @return the connection
   */
  public static K8sConnection ofDefaults() {
    return new K8sConnection(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Opens a client; the caller closes it.
   *
   * @return the client
   * @throws io.fabric8.kubernetes.client.KubernetesClientException if the kubeconfig cannot be read
   *     or names no such context
   */
  public KubernetesClient open() {
    Config config =
        kubeconfig.isPresent()
            ? Config.fromKubeconfig(context.orElse(null), kubeconfig.get().toFile())
            : Config.autoConfigure(context.orElse(null));
    namespace.ifPresent(config::setNamespace);
    if (config.getNamespace() == null) {
      config.setNamespace("default");
    }
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
