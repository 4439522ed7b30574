package io.clusterlifecycle.spi.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * JSON documents kept one per ConfigMap (key {@value #KEY}), for the cluster store: blocking reads,
 * compare-and-set writes on {@code resourceVersion}, and the 1 MiB limit checked before writing.
 */
final class ConfigMapDocs {
  static final String KEY = "record.json";

  private static final Pattern PLAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  private final KubernetesClient client;
  private final String namespace;
  private final long maxBytes;

  ConfigMapDocs(KubernetesClient client, String namespace, long maxBytes) {
    this.client = client;
    this.namespace = namespace;
    this.maxBytes = maxBytes;
  }

  /** A ConfigMap name {@code lc-<kind>.<store>.<id>}, with a hash for ids that cannot be names. */
  static String name(String kind, String store, String id) {
    String part = PLAIN.matcher(id).matches() && id.length() <= 180 ? id : "h-" + Names.hash(id);
    return "lc-" + kind + "." + store + "." + part;
  }

  Optional<ConfigMap> get(String name) {
    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
  }

  static Optional<String> json(ConfigMap cm) {
    return Optional.ofNullable(cm.getData()).map(d -> d.get(KEY));
  }

  List<ConfigMap> list(Map<String, String> labels) {
    return client.configMaps().inNamespace(namespace).withLabels(labels).list().getItems();
  }

  /** The documents with all of {@code labels} and without the label {@code absent}. */
  List<ConfigMap> listWithout(Map<String, String> labels, String absent) {
    return client
        .configMaps()
        .inNamespace(namespace)
        .withLabels(labels)
        .withoutLabel(absent)
        .list()
        .getItems();
  }

  /**
   * Adds a label to a document as read, leaving its data alone: a compare-and-set on its {@code
   * resourceVersion}.
   *
   * @throws KubernetesClientException with 409 when someone wrote it since, 404 when it is gone
   */
  void label(ConfigMap read, String key, String value) {
    ConfigMap labelled =
        new ConfigMapBuilder(read).editMetadata().addToLabels(key, value).endMetadata().build();
    client.configMaps().inNamespace(namespace).resource(labelled).update();
  }

  /**
   * Adds a label to a document that lacks it, leaving its data alone: a compare-and-set on its
   * {@code resourceVersion}, read again and tried again when someone wrote it since. Does nothing
   * once the document has the label, holds no JSON or is gone.
   *
   * @param value the label's value for the document's JSON as read
   * @throws KubernetesClientException with 409 when it changed again on every one of ten tries
   */
  void labelIfAbsent(ConfigMap read, String key, Function<String, String> value) {
    Optional<ConfigMap> current = Optional.of(read);
    for (int attempt = 0; ; attempt++) {
      Optional<String> json = current.filter(cm -> !hasLabel(cm, key)).flatMap(ConfigMapDocs::json);
      if (json.isEmpty()) {
        return;
      }
      try {
        label(current.get(), key, value.apply(json.get()));
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return;
        }
        if (e.getCode() != 409 || attempt >= 9) {
          throw e;
        }
      }
      current = get(read.getMetadata().getName());
    }
  }

  static boolean hasLabel(ConfigMap cm, String key) {
    Map<String, String> labels = cm.getMetadata().getLabels();
    return labels != null && labels.containsKey(key);
  }

  /**
   * Creates the document, or replaces it when it exists at {@code resourceVersion}.
   *
   * @param resourceVersion the version read; null to create
   * @throws KubernetesClientException with 409 when someone wrote it since (or created it first)
   * @throws K8sObjectTooLargeException when the document passes the limit
   */
  ConfigMap write(String name, Map<String, String> labels, String json, String resourceVersion) {
    return write(name, labels, Map.of(KEY, json), resourceVersion);
  }

  /**
   * Creates a ConfigMap with these data keys, or replaces it when it exists at {@code
   * resourceVersion}, as {@link #write(String, Map, String, String)} does a document.
   *
   * @param resourceVersion the version read; null to create
   * @throws KubernetesClientException with 409 when someone wrote it since (or created it first)
   * @throws K8sObjectTooLargeException when the data passes the limit
   */
  ConfigMap write(
      String name, Map<String, String> labels, Map<String, String> data, String resourceVersion) {
    long size = size(data);
    if (size > maxBytes) {
      throw new K8sObjectTooLargeException(name, size, maxBytes);
    }
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .withResourceVersion(resourceVersion)
            .endMetadata()
            .withData(data)
            .build();
    var resource = client.configMaps().inNamespace(namespace).resource(cm);
    return resourceVersion == null ? resource.create() : resource.update();
  }

  /** The bytes the limit counts of a ConfigMap's data: its keys and its values in UTF-8. */
  static long size(Map<String, String> data) {
    long size = 0;
    for (Map.Entry<String, String> e : data.entrySet()) {
      size += e.getKey().length() + (long) e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    return size;
  }

  /** Writes the document whatever it held before, retrying when a concurrent write intervenes. */
  void upsert(String name, Map<String, String> labels, String json) {
    for (int attempt = 0; ; attempt++) {
      Optional<ConfigMap> current = get(name);
      try {
        write(
            name,
            labels,
            json,
            current.map(c -> c.getMetadata().getResourceVersion()).orElse(null));
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  void delete(String name) {
    client.configMaps().inNamespace(namespace).withName(name).delete();
  }

  void delete(Map<String, String> labels) {
    client.configMaps().inNamespace(namespace).withLabels(labels).delete();
  }
}
