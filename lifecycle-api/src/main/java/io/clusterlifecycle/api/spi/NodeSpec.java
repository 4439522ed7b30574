package io.clusterlifecycle.api.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ResourceProvider} creates for one node.
 *
 * @param ref the node, the key creation is idempotent by
 * @param clusterName the cluster's name, for resource names and tags
 * @param namespace the cluster's namespace
 * @param role the node's role
 * @param cpu cores
 * @param memory MiB
 * @param volumeSize GiB of data volume, {@code 0} for none
 * @param mountPoint where the volume is mounted, empty when there is none
 * @param image the image or template to boot, empty for the provider's default
 * @param tags labels to put on every resource created, including the cluster, role and node ids
 */
public record NodeSpec(
    NodeRef ref,
    String clusterName,
    String namespace,
    String role,
    int cpu,
    int memory,
    int volumeSize,
    String mountPoint,
    String image,
    Map<String, String> tags) {

  /** Tag holding the cluster id on every resource the engine creates. */
  public static final String TAG_CLUSTER = "lifecycle.cluster-id";
  /** Tag holding the role name. */
  public static final String TAG_ROLE = "lifecycle.role";
  /** Tag holding the node id. */
  public static final String TAG_NODE = "lifecycle.node-id";

  /**
   * Checks for nulls and copies the tags.
   *
   * @param ref the node
   * @param clusterName the cluster's name
   * @param namespace the cluster's namespace
   * @param role the node's role
   * @param cpu cores
   * @param memory MiB
   * @param volumeSize GiB, {@code 0} for none
   * @param mountPoint the volume's mount point, or empty
   * @param image the image, or empty
   * @param tags resource tags; copied
   */
  public NodeSpec {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(mountPoint, "mountPoint");
    Objects.requireNonNull(image, "image");
    tags = Map.copyOf(tags);
  }
}
