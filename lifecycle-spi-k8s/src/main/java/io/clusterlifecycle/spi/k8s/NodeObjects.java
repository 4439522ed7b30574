package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The blocking reads and writes of a node's objects (record, pod, PVC, the cluster's Service), each
 * meant to run on an I/O thread of {@link K8sCalls}. Creates are idempotent: a 409 for an object
 * that is ours (same cluster label) counts as done, one that belongs to another cluster fails.
 */
final class NodeObjects {
  /** The key of a record's data that holds the IP of the node's last pod, written on stop. */
  static final String POD_IP_KEY = "pod-ip";

  private final KubernetesClient client;
  private final String namespace;
  private final K8sManifests manifests;
  private final Duration gracePeriod;

  NodeObjects(
      KubernetesClient client, String namespace, K8sManifests manifests, Duration gracePeriod) {
    this.client = client;
    this.namespace = namespace;
    this.manifests = manifests;
    this.gracePeriod = gracePeriod;
  }

  /** The node's state from its record, or from its pod when it has no record; empty if neither. */
  Optional<NodeState> state(NodeRef ref) {
    Optional<NodeState> fromRecord = record(ref);
    return fromRecord.isPresent() ? fromRecord : pod(ref).flatMap(NodeObjects::stateOf);
  }

  /** The node's state, or {@link NotFoundException}. */
  NodeState require(NodeRef ref, String what) {
    return state(ref)
        .orElseThrow(
            () ->
                new NotFoundException(
                    what
                        + ": node "
                        + ref.nodeId()
                        + " of cluster "
                        + ref.clusterId()
                        + " has no pod or record in namespace "
                        + namespace));
  }

  Optional<NodeState> record(NodeRef ref) {
    return recordObject(ref).flatMap(NodeObjects::stateOf);
  }

  /** The node's record, when it exists and is of the node's cluster. */
  Optional<ConfigMap> recordObject(NodeRef ref) {
    ConfigMap cm =
        client.configMaps().inNamespace(namespace).withName(Names.nodeRecord(ref.nodeId())).get();
    return Optional.ofNullable(cm).filter(c -> stateOf(c).filter(s -> ours(s, ref)).isPresent());
  }

  /** The IP the node's last pod had, as its record holds it; empty when none was recorded. */
  Optional<String> lastPodIp(NodeRef ref) {
    return recordObject(ref).flatMap(NodeObjects::lastPodIp);
  }

  /** The node's pod, when it exists and is of the node's cluster. */
  Optional<Pod> pod(NodeRef ref) {
    Pod pod = client.pods().inNamespace(namespace).withName(Names.pod(ref.nodeId())).get();
    return Optional.ofNullable(pod).filter(p -> stateOf(p).filter(s -> ours(s, ref)).isPresent());
  }

  /**
   * Fails with a 409 {@link K8sApiException} when a pod of the node's name exists and belongs to
   * another cluster (or to nobody the adapter knows), before anything is written.
   */
  void requireFree(NodeState state) {
    Pod pod = client.pods().inNamespace(namespace).withName(Names.pod(state.nodeId())).get();
    if (pod != null && stateOf(pod).filter(s -> ours(s, state.ref())).isEmpty()) {
      throw conflict(pod, state.ref());
    }
  }

  /** Writes the record, creating it or replacing what it holds; keeps its last pod IP. */
  void putRecord(NodeState state) {
    var unused = putRecord(state, Optional.empty());
  }

  /**
   * Writes the record, creating it or replacing what it holds, with the IP of the node's pod when
   * given, else the one it held; returns the pod IP the record now holds.
   */
  Optional<String> putRecord(NodeState state, Optional<String> podIp) {
    ConfigMap want = manifests.record(state);
    ConfigMap have = client.configMaps().inNamespace(namespace).resource(want).get();
    Optional<String> ip = podIp.or(() -> Optional.ofNullable(have).flatMap(NodeObjects::lastPodIp));
    Map<String, String> data = new TreeMap<>(want.getData());
    ip.ifPresent(v -> data.put(POD_IP_KEY, v));
    want.setData(data);
    if (have == null) {
      createOurs(
          want,
          state.ref(),
          () -> {
            var unused = client.configMaps().inNamespace(namespace).resource(want).create();
          });
      return ip;
    }
    want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
    client.configMaps().inNamespace(namespace).resource(want).update();
    return ip;
  }

  /** Creates the record unless one exists; returns the state it then holds. */
  NodeState createRecord(NodeState state) {
    ConfigMap want = manifests.record(state);
    try {
      client.configMaps().inNamespace(namespace).resource(want).create();
      return state;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return record(state.ref()).orElseThrow(() -> conflict(want, state.ref()));
    }
  }

  void createPod(NodeState state) {
    Pod pod = manifests.pod(state);
    createOurs(
        pod,
        state.ref(),
        () -> {
          var unused = client.pods().inNamespace(namespace).resource(pod).create();
        });
  }

  void createPvc(NodeState state) {
    PersistentVolumeClaim pvc = manifests.pvc(state);
    createOurs(
        pvc,
        state.ref(),
        () -> {
          var unused =
              client.persistentVolumeClaims().inNamespace(namespace).resource(pvc).create();
        });
  }

  /** Creates the cluster's Service unless it exists. */
  void ensureService(NodeState state) {
    var service = manifests.service(state.spec());
    if (client.services().inNamespace(namespace).withName(service.getMetadata().getName()).get()
        != null) {
      return;
    }
    try {
      client.services().inNamespace(namespace).resource(service).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** Asks for the pod's deletion; a missing pod is fine. */
  void deletePod(String nodeId) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(Names.pod(nodeId))
        .withGracePeriod(gracePeriod.toSeconds())
        .delete();
  }

  void deleteRecord(String nodeId) {
    client.configMaps().inNamespace(namespace).withName(Names.nodeRecord(nodeId)).delete();
  }

  void deletePvc(String nodeId) {
    client.persistentVolumeClaims().inNamespace(namespace).withName(Names.pvc(nodeId)).delete();
  }

  /**
   * Grows the node's PVC; the API server refuses (and the refusal's message says why) when its
   * storage class does not allow expansion.
   */
  void growPvc(String nodeId, int gib) {
    client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .withName(Names.pvc(nodeId))
        .edit(
            p ->
                new PersistentVolumeClaimBuilder(p)
                    .editSpec()
                    .editResources()
                    .addToRequests("storage", K8sManifests.gibibytes(gib))
                    .endResources()
                    .endSpec()
                    .build());
  }

  /** Records and pods of a cluster, by the cluster label. */
  List<ConfigMap> records(String clusterId) {
    return client
        .configMaps()
        .inNamespace(namespace)
        .withLabels(
            Map.of(NodeSpec.TAG_CLUSTER, Names.labelValue(clusterId), K8sLabels.KIND, "node"))
        .list()
        .getItems();
  }

  List<Pod> pods(String clusterId) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabels(
            Map.of(
                NodeSpec.TAG_CLUSTER,
                Names.labelValue(clusterId),
                K8sLabels.MANAGED_BY,
                K8sLabels.MANAGER))
        .list()
        .getItems();
  }

  /** Deletes the cluster's Service when the cluster has no record and no pod left. */
  void deleteServiceIfLast(NodeState state) {
    if (records(state.clusterId()).stream()
            .map(NodeObjects::stateOf)
            .flatMap(Optional::stream)
            .anyMatch(s -> s.clusterId().equals(state.clusterId()))
        || pods(state.clusterId()).stream()
            .map(NodeObjects::stateOf)
            .flatMap(Optional::stream)
            .anyMatch(s -> s.clusterId().equals(state.clusterId()))) {
      return;
    }
    client.services().inNamespace(namespace).withName(Names.service(state.clusterId())).delete();
  }

  /** The pod IP a record holds, if any. */
  static Optional<String> lastPodIp(ConfigMap record) {
    return Optional.ofNullable(record.getData())
        .map(d -> d.get(POD_IP_KEY))
        .filter(v -> !v.isBlank());
  }

  /** The pod's IP ({@code status.podIP}), once it has one. */
  static Optional<String> podIp(Pod pod) {
    return Optional.ofNullable(pod.getStatus()).map(st -> st.getPodIP()).filter(v -> !v.isBlank());
  }

  static Optional<NodeState> stateOf(ConfigMap cm) {
    String json = cm.getData() == null ? null : cm.getData().get("node.json");
    return Optional.ofNullable(json)
        .map(j -> NodeState.fromJson(j, "record " + cm.getMetadata().getName()));
  }

  static Optional<NodeState> stateOf(Pod pod) {
    Map<String, String> notes = pod.getMetadata().getAnnotations();
    String json = notes == null ? null : notes.get(K8sLabels.NODE_ANNOTATION);
    return Optional.ofNullable(json)
        .map(j -> NodeState.fromJson(j, "pod " + pod.getMetadata().getName()));
  }

  private static boolean ours(NodeState s, NodeRef ref) {
    return s.clusterId().equals(ref.clusterId()) && s.nodeId().equals(ref.nodeId());
  }

  private void createOurs(HasMetadata o, NodeRef ref, Runnable create) {
    try {
      create.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      Map<String, String> labels = existingLabels(o);
      if (!Names.labelValue(ref.clusterId()).equals(labels.get(NodeSpec.TAG_CLUSTER))) {
        throw conflict(o, ref);
      }
    }
  }

  private Map<String, String> existingLabels(HasMetadata o) {
    HasMetadata existing = client.resource(o).inNamespace(namespace).get();
    return existing == null || existing.getMetadata().getLabels() == null
        ? Map.of()
        : existing.getMetadata().getLabels();
  }

  private K8sApiException conflict(HasMetadata o, NodeRef ref) {
    return new K8sApiException(
        o.getKind()
            + " "
            + o.getMetadata().getName()
            + " exists in namespace "
            + namespace
            + " and does not belong to cluster "
            + ref.clusterId(),
        409,
        null);
  }
}
