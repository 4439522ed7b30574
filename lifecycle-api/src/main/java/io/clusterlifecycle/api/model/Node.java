package io.clusterlifecycle.api.model;

import io.clusterlifecycle.api.state.NodeState;
import java.util.Objects;

/**
 * One member of a cluster.
 *
 * <p>Node ids are {@code <cluster-name>-<role>-<index>}; the index counts up per role and is
 * never reused within a cluster, so ids sort in creation order within a role (SPEC section 14).
 *
 * @param id the node id
 * @param role the role it belongs to
 * @param index its number within the role, from 1
 * @param state its state
 * @param address its address, empty until its resource exists
 * @param instanceId the provider's instance id, empty until its resource exists
 * @param cpu cores
 * @param memory MiB
 * @param volumeSize GiB of data volume, {@code 0} for none
 * @param image the image it runs, empty for the provider's default
 * @param version the app version it runs (SPEC 7.6); during an upgrade or rollback nodes of one
 *     cluster may run different versions
 */
public record Node(
    String id,
    String role,
    int index,
    NodeState state,
    String address,
    String instanceId,
    int cpu,
    int memory,
    int volumeSize,
    String image,
    String version) {

  /**
   * Checks for nulls.
   *
   * @param id the node id
   * @param role the role
   * @param index the index within the role
   * @param state the state
   * @param address the address, or empty
   * @param instanceId the instance id, or empty
   * @param cpu cores
   * @param memory MiB
   * @param volumeSize GiB, {@code 0} for none
   * @param image the image, or empty
   * @param version the app version; {@code null} (a record written before versions were recorded)
   *     is read as empty, which stands for the cluster's version
   */
  public Node {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(image, "image");
    version = version == null ? "" : version;
  }

  /**
   * Returns a copy in another state.
   *
   * @param newState the state
   * @return the copy
   */
  public Node withState(NodeState newState) {
    return new Node(id, role, index, newState, address, instanceId, cpu, memory, volumeSize, image,
        version);
  }

  /**
   * Returns a copy with the address and instance id the provider reported.
   *
   * @param newAddress the address
   * @param newInstanceId the instance id
   * @return the copy
   */
  public Node withResource(String newAddress, String newInstanceId) {
    return new Node(id, role, index, state, newAddress, newInstanceId, cpu, memory, volumeSize,
        image, version);
  }

  /**
   * Returns a copy with new resources, after a resize (SPEC 7.5).
   *
   * @param newCpu cores
   * @param newMemory MiB
   * @param newVolumeSize GiB, {@code 0} for none
   * @return the copy
   */
  public Node withSize(int newCpu, int newMemory, int newVolumeSize) {
    return new Node(id, role, index, state, address, instanceId, newCpu, newMemory,
        newVolumeSize, image, version);
  }

  /**
   * Returns a copy running another image and app version, after an upgrade or rollback step.
   *
   * @param newImage the image, or empty for the provider's default
   * @param newVersion the app version
   * @return the copy
   */
  public Node withImage(String newImage, String newVersion) {
    return new Node(id, role, index, state, address, instanceId, cpu, memory, volumeSize,
        newImage, newVersion);
  }
}
