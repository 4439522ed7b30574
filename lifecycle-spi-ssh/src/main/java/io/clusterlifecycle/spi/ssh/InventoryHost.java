package io.clusterlifecycle.spi.ssh;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One existing machine of an {@link Inventory}: where to reach it over SSH and where nodes live on
 * it.
 *
 * @param name the host's name in the inventory, unique: the instance id of the node on it
 * @param address the address other nodes reach it at, and SSH connects to
 * @param port the SSH port
 * @param user the login user
 * @param key the private key to log in with; empty for the executor's
 * @param directory where nodes live on the host, absolute or relative to the login directory:
 *     {@code <directory>/nodes/<node-id>} (the commands' directory) and {@code
 *     <directory>/volumes/<node-id>} (the volume)
 * @param labels the host's labels; a {@code role} label restricts the host to nodes of that role
 */
public record InventoryHost(
    String name,
    String address,
    int port,
    String user,
    Optional<Path> key,
    String directory,
    Map<String, String> labels) {

  /** The label that restricts a host to nodes of one role. */
  public static final String ROLE_LABEL = "role";

  /**
   * Checks the components and copies the labels.
   *
   * @param name the name
   * @param address the address
   * @param port the port
   * @param user the user
   * @param key the key file, if not the executor's
   * @param directory the nodes' directory on the host
   * @param labels the labels
   * @throws NullPointerException if a component is null
   */
  public InventoryHost {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(directory, "directory");
    labels = Map.copyOf(labels);
  }

  /**
   * Tells whether a node of a role may be placed on this host.
   *
   * @param role the node's role
   * @return true when the host has no {@value #ROLE_LABEL} label or it names the role
   */
  public boolean accepts(String role) {
    String only = labels.get(ROLE_LABEL);
    return only == null || only.equals(role);
  }

  /**
   * Where a node's commands run on this host.
   *
   * @param nodeId the node
   * @return the target, with directory {@code <directory>/nodes/<node-id>}
   */
  public SshTarget target(String nodeId) {
    return SshTarget.builder()
        .host(address)
        .port(port)
        .user(user)
        .identity(key.orElse(null))
        .directory(directory + "/nodes/" + nodeId)
        .build();
  }

  /**
   * Where a node's volume directory is on this host.
   *
   * @param nodeId the node
   * @return {@code <directory>/volumes/<node-id>}
   */
  public String volumeDirectory(String nodeId) {
    return directory + "/volumes/" + nodeId;
  }
}
