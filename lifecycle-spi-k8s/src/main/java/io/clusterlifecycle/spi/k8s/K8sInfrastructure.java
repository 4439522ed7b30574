package io.clusterlifecycle.spi.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the engine needs to run clusters on one Kubernetes namespace, on one client: nodes as
 * pods ({@link #resources()}), commands by pod exec ({@link #commands()}, reading each node's tree
 * from {@link #metadata()}), the metadata tree and the records in ConfigMaps ({@link #metadata()},
 * {@link #store()}). This is what a command-line {@code --infra k8s --store k8s} opens.
 *
 * <pre>{@code
 * try (K8sInfrastructure k8s = K8sInfrastructure.open(K8sConnection.ofDefaults());
 *      Lifecycle lifecycle = LifecycleEngine.builder()
 *          .resourceProvider(k8s.resources()).commandExecutor(k8s.commands())
 *          .metadataStore(k8s.metadata()).clusterStore(k8s.store()).build()) {
 *   lifecycle.create(CreateCluster.builder(spec, "h").build());
 * }
 * }</pre>
 *
 * <p>The four share the client. {@link #close()} closes them, and the client when this object
 * opened it. Thread-safe.
 */
public final class K8sInfrastructure implements AutoCloseable {
  private final KubernetesClient client;
  private final boolean ownsClient;
  private final K8sResourceProvider resources;
  private final K8sMetadataStore metadata;
  private final K8sCommandExecutor commands;
  private final K8sClusterStore store;

  private K8sInfrastructure(
      KubernetesClient client, boolean ownsClient, Optional<String> ns, K8sPodSettings pods) {
    this.client = client;
    this.ownsClient = ownsClient;
    String namespace =
        ns.orElseGet(() -> Optional.ofNullable(client.getNamespace()).orElse("default"));
    this.resources =
        K8sResourceProvider.builder().client(client).namespace(namespace).pods(pods).build();
    this.metadata = K8sMetadataStore.builder().client(client).namespace(namespace).build();
    this.commands =
        K8sCommandExecutor.builder()
            .client(client)
            .namespace(namespace)
            .container(pods.containerName())
            .metadata(metadata, K8sMetadataStore.Builder.DEFAULT_ROOT)
            .build();
    this.store = K8sClusterStore.builder().client(client).namespace(namespace).build();
  }

  /**
   * Opens a client where the connection says and builds the four adapters on its namespace, with
   * the default pod settings.
   *
   * @param connection kubeconfig, context and namespace
   * @return the infrastructure; close it when done
   * @throws io.fabric8.kubernetes.client.KubernetesClientException if the kubeconfig cannot be read
   *     or names no such context
   */
  public static K8sInfrastructure open(K8sConnection connection) {
    return open(connection, K8sPodSettings.ofDefaults());
  }

  /**
   * Opens a client where the connection says and builds the four adapters on its namespace.
   *
   * @param connection kubeconfig, context and namespace
   * @param pods how pods, PVCs and the Service are written
   * @return the infrastructure; close it when done
   */
  public static K8sInfrastructure open(K8sConnection connection, K8sPodSettings pods) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(pods, "pods");
    return new K8sInfrastructure(connection.open(), true, connection.namespace(), pods);
  }

  /**
   * Builds the four adapters on a client the caller owns (and closes).
   *
   * @param client the client
   * @param namespace the namespace
   * @param pods how pods, PVCs and the Service are written
   * @return the infrastructure; closing it leaves the client open
   */
  public static K8sInfrastructure on(
      KubernetesClient client, String namespace, K8sPodSettings pods) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(pods, "pods");
    return new K8sInfrastructure(client, false, Optional.of(namespace), pods);
  }

  /**
   * Returns the resource provider: nodes as pods.
   *
   * @return the provider
   */
  public K8sResourceProvider resources() {
    return resources;
  }

  /**
   * Returns the command executor: pod exec, with each node's tree from {@link #metadata()}.
   *
   * @return the executor
   */
  public K8sCommandExecutor commands() {
    return commands;
  }

  /**
   * Returns the metadata store, rooted at {@link K8sMetadataStore.Builder#DEFAULT_ROOT}.
   *
   * @return the store
   */
  public K8sMetadataStore metadata() {
    return metadata;
  }

  /**
   * Returns the cluster store, named {@link K8sClusterStore.Builder#DEFAULT_STORE}.
   *
   * @return the store
   */
  public K8sClusterStore store() {
    return store;
  }

  /**
   * Returns the manifests the provider creates its objects from, for {@code plan --format k8s}.
   *
   * @return the manifests, in the namespace
   */
  public K8sManifests manifests() {
    return resources.manifests();
  }

  /** Closes the four adapters, then the client if this object opened it; may be called again. */
  @Override
  public void close() {
    commands.close();
    resources.close();
    metadata.close();
    store.close();
    if (ownsClient) {
      client.close();
    }
  }
}
