package io.clusterlifecycle.spi.k8s;

/**
 * The labels and annotations the adapter puts on what it creates. Pods, PVCs, node records and the
 * cluster's Service carry the recommended {@code app.kubernetes.io} labels plus {@link
 * io.clusterlifecycle.api.spi.NodeSpec#TAG_CLUSTER}, {@link
 * io.clusterlifecycle.api.spi.NodeSpec#TAG_ROLE} and {@link
 * io.clusterlifecycle.api.spi.NodeSpec#TAG_NODE}; {@code list} selects by the cluster label.
 */
public final class K8sLabels {
  /**
   * {@code app.kubernetes.io/name}: the application, from the node's tags, else the cluster name.
   */
  public static final String NAME = "app.kubernetes.io/name";

  /** {@code app.kubernetes.io/instance}: the cluster id. */
  public static final String INSTANCE = "app.kubernetes.io/instance";

  /** {@code app.kubernetes.io/version}: the app version, when the node's tags give one. */
  public static final String VERSION = "app.kubernetes.io/version";

  /** {@code app.kubernetes.io/component}: the role. */
  public static final String COMPONENT = "app.kubernetes.io/component";

  /** {@code app.kubernetes.io/managed-by}: always {@link #MANAGER}. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** The value of {@link #MANAGED_BY}. */
  public static final String MANAGER = "lifecycle";

  /** Tag a node spec may carry with the application's name, copied to {@link #NAME}. */
  public static final String TAG_APP_NAME = "lifecycle.app-name";

  /** Tag a node spec may carry with the application's version, copied to {@link #VERSION}. */
  public static final String TAG_APP_VERSION = "lifecycle.app-version";

  /**
   * Label telling the adapter's object kinds apart: {@code node}, {@code metadata}, {@code store}.
   */
  public static final String KIND = "lifecycle.clusterlifecycle.io/kind";

  /**
   * Prefix of placement tags ({@code lifecycle.placement/<key>=<value>}, which lifecycle-core's
   * placement plugin adds): instead of labels, each becomes a term of the Pod's required node
   * affinity, {@code <key> In [<value>]}.
   */
  public static final String PLACEMENT_PREFIX = "lifecycle.placement/";

  /** Annotation holding a node's full description (exact ids, sizes, image, tags) as JSON. */
  public static final String NODE_ANNOTATION = "lifecycle.clusterlifecycle.io/node";

  private K8sLabels() {}
}
