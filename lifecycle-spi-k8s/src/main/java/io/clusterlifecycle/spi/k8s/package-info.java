/**
 * The Kubernetes adapter (docs/design.md §9.7): {@link
 * io.clusterlifecycle.spi.k8s.K8sResourceProvider} runs nodes as pods with a PVC each and a
 * headless Service per cluster; {@link io.clusterlifecycle.spi.k8s.K8sManifests} writes those
 * objects without a cluster, for dry runs. Each adapter is made by its {@code builder()}, with a
 * client the caller owns or a {@link io.clusterlifecycle.spi.k8s.K8sConnection} (kubeconfig,
 * context, namespace), and must be closed when done. Classes not documented as public API are
 * internal.
 */
package io.clusterlifecycle.spi.k8s;
