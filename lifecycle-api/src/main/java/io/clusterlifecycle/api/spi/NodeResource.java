package io.clusterlifecycle.api.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ResourceProvider} reports about one node's resources.
 *
 * @param ref the node
 * @param role the node's role (from its tags)
 * @param instanceId the provider's id of the instance (server id, pod uid, directory)
 * @param address the address other nodes reach it at
 * @param cpu cores
 * @param memory MiB
 * @param volumeSize GiB of data volume, {@code 0} for none
 * @param volumeId the provider's id of the volume, empty when there is none
 * @param image the image it runs, empty for the provider's default
 * @param running true when the instance is up, false when stopped
 * @param tags the tags on the resource
 */
public record NodeResource(
    NodeRef ref,
    String role,
    String instanceId,
    String address,
    int cpu,
    int memory,
    int volumeSize,
    String volumeId,
    String image,
    boolean running,
    Map<String, String> tags) {

  /**
   * Checks for nulls and copies the tags.
   *
   * @param ref the node
   * @param role the node's role
   * @param instanceId the instance id
   * @param address the node's address
   * @param cpu cores
   * @param memory MiB
   * @param volumeSize GiB, {@code 0} for none
   * @param volumeId the volume id, or empty
   * @param image the image, or empty
   * @param running whether the instance is up
   * @param tags the resource's tags; copied
   */
  public NodeResource {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(volumeId, "volumeId");
    Objects.requireNonNull(image, "image");
    tags = Map.copyOf(tags);
  }
}
