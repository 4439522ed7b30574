package io.clusterlifecycle.spi.k8s;

/**
 * Which address {@link K8sResourceProvider} reports for a node ({@link
 * io.clusterlifecycle.api.spi.NodeResource#address()}), set with {@link
 * K8sPodSettings.Builder#addresses(K8sAddresses)}. The engine writes it to the node's {@code
 * /hosts} entry and to {@code LC_NODE_IP}, and follows a change of it (docs/design.md §5.7).
 */
public enum K8sAddresses {
  /**
   * The pod's IP ({@code status.podIP}), the default. A recreated pod (start, vertical scaling,
   * upgrade) gets a new one, and the engine then republishes {@code /hosts} and runs {@code
   * reload}. A node without a pod (stopped) reports the IP its last pod had, recorded when it was
   * stopped; one whose pod never had an IP reports an empty address.
   */
  POD_IP,

  /**
   * The pod's stable DNS name {@code <node-id>.<cluster-id>.<namespace>.svc.<cluster-domain>}
   * ({@link K8sManifests#address(String, String)}), which stays the same when the pod is recreated
   * and exists also while the node is stopped. It resolves only inside the Kubernetes cluster.
   */
  DNS_NAME
}
