package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.NodeSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the Kubernetes objects a node is made of, without a cluster: its Pod (named by the node
 * id, with host name and subdomain so that it has a stable DNS name), its PVC, and the cluster's
 * headless Service. {@link K8sResourceProvider} creates exactly these; a dry run prints them with
 * {@link #yaml(List)}.
 *
 * <p>Every object carries the labels {@link K8sLabels} lists. A pod requests and is limited to the
 * node's cpu (cores) and memory (MiB); its volume is the PVC {@code <node-id>-data} of the node's
 * volume size (GiB), mounted at the role's mount point. Immutable and thread-safe.
 */
public final class K8sManifests {
  private static final String DATA_VOLUME = "data";

  private final K8sPodSettings settings;
  private final Optional<String> namespace;

  private K8sManifests(K8sPodSettings settings, Optional<String> namespace) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /**
   * Returns manifests written with these settings, into a namespace.
   *
   * @param settings images, storage class, DNS domain, container
   * @param namespace the Kubernetes namespace written into every object
   * @return the manifests
   */
  public static K8sManifests of(K8sPodSettings settings, String namespace) {
    return new K8sManifests(settings, Optional.of(Objects.requireNonNull(namespace, "namespace")));
  }

  /**
   * Returns manifests written with these settings and no namespace (the one {@code kubectl apply
   * -n} names then applies).
   *
   * @param settings images, storage class, DNS domain, container
   * @return the manifests
   */
  public static K8sManifests of(K8sPodSettings settings) {
    return new K8sManifests(settings, Optional.empty());
  }

  /**
   * Returns the settings the manifests are written with.
   *
   * @return the settings
   */
  public K8sPodSettings settings() {
    return settings;
  }

  /**
   * Writes a node's pod.
   *
   * @param node the node
   * @return the pod, not yet created
   * @throws IllegalArgumentException if the node id cannot name a pod
   */
  public Pod pod(NodeSpec node) {
    return pod(NodeState.of(node));
  }

  /**
   * Writes a node's PVC.
   *
   * @param node the node
   * @return the claim, or empty for a node without a volume
   * @throws IllegalArgumentException if the node id cannot name a pod
   */
  public Optional<PersistentVolumeClaim> pvc(NodeSpec node) {
    return node.volumeSize() > 0 ? Optional.of(pvc(NodeState.of(node))) : Optional.empty();
  }

  /**
   * Writes a cluster's headless Service: no cluster IP, selecting the cluster's pods, publishing
   * their addresses before they are Ready (so that peers resolve each other while starting).
   *
   * @param node any node of the cluster
   * @return the Service
   */
  public Service service(NodeSpec node) {
    NodeState n = NodeState.of(node);
    return new ServiceBuilder()
        .withMetadata(meta(Names.service(n.clusterId()), clusterLabels(n), Map.of()))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(
            Map.of(
                NodeSpec.TAG_CLUSTER,
                Names.labelValue(n.clusterId()),
                K8sLabels.MANAGED_BY,
                K8sLabels.MANAGER))
        .endSpec()
        .build();
  }

  /**
   * Returns a node's stable DNS name {@code <hostname>.<service>.<namespace>.svc.<cluster-domain>},
   * which stays the same when the pod is recreated (stop and start, resize, upgrade); the provider
   * reports it as the node's address with {@link K8sAddresses#DNS_NAME}.
   *
   * @param clusterId the cluster
   * @param nodeId the node
   * @return the DNS name
   */
  public String address(String clusterId, String nodeId) {
    return Names.hostname(nodeId)
        + "."
        + Names.service(clusterId)
        + "."
        + namespace.orElse("default")
        + ".svc."
        + settings.clusterDomain();
  }

  /**
   * Writes every object the nodes need: one Service per cluster, then each node's PVC and pod.
   *
   * @param nodes the nodes
   * @return the objects, in the order they are created
   */
  public List<HasMetadata> objects(List<NodeSpec> nodes) {
    List<HasMetadata> out = new ArrayList<>();
    Set<String> clusters = new LinkedHashSet<>();
    for (NodeSpec n : nodes) {
      if (clusters.add(n.ref().clusterId())) {
        out.add(service(n));
      }
    }
    for (NodeSpec n : nodes) {
      pvc(n).ifPresent(out::add);
      out.add(pod(n));
    }
    return out;
  }

  /**
   * Writes {@link #objects(List)} as a YAML stream, one document per object.
   *
   * @param nodes the nodes
   * @return the YAML
   */
  public String yaml(List<NodeSpec> nodes) {
    KubernetesSerialization yaml = new KubernetesSerialization();
    StringBuilder out = new StringBuilder();
    for (HasMetadata o : objects(nodes)) {
      String doc = yaml.asYaml(o);
      out.append(doc.startsWith("---") ? "" : "---\n").append(doc);
      if (!doc.endsWith("\n")) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  Pod pod(NodeState n) {
    String name = Names.pod(n.nodeId());
    Map<String, String> labels = nodeLabels(n);
    Map<String, Quantity> resources =
        Map.of("cpu", new Quantity(Integer.toString(n.cpu())), "memory", mebibytes(n.memory()));
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(settings.containerName())
            .withImage(
                settings.imageFor(n.role(), Optional.of(n.image()).filter(s -> !s.isEmpty())))
            .withNewResources()
            .withRequests(resources)
            .withLimits(resources)
            .endResources();
    if (!settings.command().isEmpty()) {
      container.withCommand(settings.command());
    }
    PodBuilder pod =
        new PodBuilder()
            .withMetadata(
                meta(
                    name, labels, Map.of(K8sLabels.NODE_ANNOTATION, n.withStopped(false).toJson())))
            .withNewSpec()
            .withHostname(Names.hostname(n.nodeId()))
            .withSubdomain(Names.service(n.clusterId()))
            .withRestartPolicy("Always")
            .endSpec();
    settings.serviceAccount().ifPresent(a -> pod.editSpec().withServiceAccountName(a).endSpec());
    List<NodeSelectorRequirement> placement = placement(n);
    if (!placement.isEmpty()) {
      pod.editSpec()
          .withNewAffinity()
          .withNewNodeAffinity()
          .withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm()
          .withMatchExpressions(placement)
          .endNodeSelectorTerm()
          .endRequiredDuringSchedulingIgnoredDuringExecution()
          .endNodeAffinity()
          .endAffinity()
          .endSpec();
    }
    if (n.volumeSize() > 0) {
      container.withVolumeMounts(
          new VolumeMountBuilder()
              .withName(DATA_VOLUME)
              .withMountPath(n.mountPoint().isEmpty() ? "/data" : n.mountPoint())
              .build());
      pod.editSpec()
          .withVolumes(
              new VolumeBuilder()
                  .withName(DATA_VOLUME)
                  .withNewPersistentVolumeClaim()
                  .withClaimName(Names.pvc(n.nodeId()))
                  .endPersistentVolumeClaim()
                  .build())
          .endSpec();
    }
    return pod.editSpec().withContainers(container.build()).endSpec().build();
  }

  /** The node's placement tags as node-affinity requirements, {@code key In [value]}, by key. */
  static List<NodeSelectorRequirement> placement(NodeState n) {
    List<NodeSelectorRequirement> out = new ArrayList<>();
    n.tags()
        .forEach(
            (k, v) -> {
              if (k.startsWith(K8sLabels.PLACEMENT_PREFIX)
                  && k.length() > K8sLabels.PLACEMENT_PREFIX.length()) {
                out.add(
                    new NodeSelectorRequirementBuilder()
                        .withKey(k.substring(K8sLabels.PLACEMENT_PREFIX.length()))
                        .withOperator("In")
                        .withValues(v)
                        .build());
              }
            });
    return out;
  }

  PersistentVolumeClaim pvc(NodeState n) {
    PersistentVolumeClaimBuilder pvc =
        new PersistentVolumeClaimBuilder()
            .withMetadata(meta(Names.pvc(n.nodeId()), nodeLabels(n), Map.of()))
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .withRequests(Map.of("storage", gibibytes(n.volumeSize())))
            .endResources()
            .endSpec();
    settings.storageClass().ifPresent(c -> pvc.editSpec().withStorageClassName(c).endSpec());
    return pvc.build();
  }

  /** The node's record: the ConfigMap that says the node exists, also while it is stopped. */
  ConfigMap record(NodeState n) {
    Map<String, String> labels = new LinkedHashMap<>(nodeLabels(n));
    labels.put(K8sLabels.KIND, "node");
    return new ConfigMapBuilder()
        .withMetadata(meta(Names.nodeRecord(n.nodeId()), labels, Map.of()))
        .withData(Map.of("node.json", n.toJson()))
        .build();
  }

  static Quantity gibibytes(int gib) {
    return new Quantity(gib + "Gi");
  }

  static Quantity mebibytes(int mib) {
    return new Quantity(mib + "Mi");
  }

  private ObjectMeta meta(String name, Map<String, String> labels, Map<String, String> notes) {
    ObjectMetaBuilder m = new ObjectMetaBuilder().withName(name).withLabels(labels);
    if (!notes.isEmpty()) {
      m.withAnnotations(notes);
    }
    namespace.ifPresent(m::withNamespace);
    return m.build();
  }

  /** The labels of everything of one cluster. */
  static Map<String, String> clusterLabels(NodeState n) {
    Map<String, String> labels = new LinkedHashMap<>();
    String app = n.tags().getOrDefault(K8sLabels.TAG_APP_NAME, n.clusterName());
    labels.put(K8sLabels.NAME, Names.labelValue(app.isEmpty() ? n.clusterId() : app));
    labels.put(K8sLabels.INSTANCE, Names.labelValue(n.clusterId()));
    Optional.ofNullable(n.tags().get(K8sLabels.TAG_APP_VERSION))
        .ifPresent(v -> labels.put(K8sLabels.VERSION, Names.labelValue(v)));
    labels.put(K8sLabels.MANAGED_BY, K8sLabels.MANAGER);
    labels.put(NodeSpec.TAG_CLUSTER, Names.labelValue(n.clusterId()));
    return labels;
  }

  /** The labels of a node's objects: the cluster's, the role's and the node's, and its tags. */
  static Map<String, String> nodeLabels(NodeState n) {
    Map<String, String> labels = new LinkedHashMap<>();
    n.tags()
        .forEach(
            (k, v) -> {
              if (!k.startsWith(K8sLabels.PLACEMENT_PREFIX) && Names.isLabel(k, v)) {
                labels.put(k, v);
              }
            });
    labels.putAll(clusterLabels(n));
    labels.put(K8sLabels.COMPONENT, Names.labelValue(n.role()));
    labels.put(NodeSpec.TAG_ROLE, Names.labelValue(n.role()));
    labels.put(NodeSpec.TAG_NODE, Names.labelValue(n.nodeId()));
    return labels;
  }
}
