package io.clusterlifecycle.cli;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The one Kubernetes client of a session, opened on first use and shared by {@code --infra k8s} and
 * {@code --store k8s}; closed with the session. Not thread-safe: used while the session opens.
 */
final class KubeClient implements AutoCloseable {
  private final KubeSettings settings;
  private KubernetesClient client;

  KubeClient(KubeSettings settings) {
    this.settings = settings;
  }

  /** The client, opened now if it was not. */
  KubernetesClient client() {
    if (client == null) {
      client = settings.connection().open();
    }
    return client;
  }

  KubeSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
