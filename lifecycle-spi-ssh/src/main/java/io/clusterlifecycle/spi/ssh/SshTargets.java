package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.spi.NodeResource;

/**
 * Tells {@link SshCommandExecutor} where a node's commands run. The executor sees a node as the
 * engine recorded it (instance id and address, no tags), so a resolver works from those: {@link
 * StaticInventoryProvider#targets()} maps the instance id to its inventory host, and the executor's
 * default takes the address. Implementations must be fast, thread-safe and free of I/O.
 */
@FunctionalInterface
public interface SshTargets {
  /**
   * Resolves a node.
   *
   * @param node the node, as the engine recorded it
   * @return where its commands run
   * @throws IllegalArgumentException if the node cannot be reached over SSH (no address, an
   *     instance the inventory does not hold); the command's stage fails with it
   */
  SshTarget resolve(NodeResource node);
}
