package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@code coordination.k8s.io/v1} Lease per cluster, {@code
 * lc-lease.<store>.<cluster-id>}, naming the engine that owns the cluster's operation
 * (docs/design.md §7.5): holder, acquire and renew times, and the seconds left. The guarantee that
 * two engines never both run an operation is the compare-and-set on the cluster record, which
 * carries the lease (§9.5); the Lease object shows the owner to Kubernetes tools ({@code kubectl
 * get leases}) and is written after each record that carries one and deleted with the record's
 * lease.
 */
final class LeaseMirror {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseMirror.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String store;
  private final Clock clock;

  LeaseMirror(KubernetesClient client, String namespace, String store, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.store = store;
    this.clock = clock;
  }

  static String name(String store, String clusterId) {
    return ConfigMapDocs.name("lease", store, clusterId);
  }

  /** Writes or deletes the cluster's Lease to match its record; failures are logged only. */
  void mirror(Cluster cluster, Map<String, String> labels) {
    String name = name(store, cluster.id());
    try {
      Optional<Lease> lease = cluster.lease();
      var resource = client.leases().inNamespace(namespace).withName(name);
      if (lease.isEmpty()) {
        resource.delete();
        return;
      }
      Lease l = lease.get();
      ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
      long seconds = Math.max(1, Duration.between(clock.instant(), l.expiresAt()).toSeconds());
      var current = resource.get();
      boolean sameHolder =
          current != null
              && current.getSpec() != null
              && Objects.equals(current.getSpec().getHolderIdentity(), l.owner());
      var next =
          new LeaseBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .withLabels(labels)
              .endMetadata()
              .withNewSpec()
              .withHolderIdentity(l.owner())
              .withLeaseDurationSeconds((int) Math.min(Integer.MAX_VALUE, seconds))
              .withAcquireTime(sameHolder ? current.getSpec().getAcquireTime() : now)
              .withRenewTime(now)
              .withLeaseTransitions(transitions(current) + (current != null && !sameHolder ? 1 : 0))
              .endSpec()
              .build();
      if (current == null) {
        client.leases().inNamespace(namespace).resource(next).create();
      } else {
        next.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        client.leases().inNamespace(namespace).resource(next).update();
      }
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not write Lease {}/{} for cluster {}: {}",
          namespace,
          name,
          cluster.id(),
          e.getMessage());
    }
  }

  void delete(String clusterId) {
    client.leases().inNamespace(namespace).withName(name(store, clusterId)).delete();
  }

  private static int transitions(io.fabric8.kubernetes.api.model.coordination.v1.Lease current) {
    return current == null
            || current.getSpec() == null
            || current.getSpec().getLeaseTransitions() == null
        ? 0
        : current.getSpec().getLeaseTransitions();
  }
}
