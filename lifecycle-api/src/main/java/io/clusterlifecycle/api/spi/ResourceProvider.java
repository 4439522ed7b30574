package io.clusterlifecycle.api.spi;

import io.clusterlifecycle.api.state.NodeAction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Creates and manages the machines (VMs, pods, local directories) that nodes run on.
 *
 * <p>Contract, for every implementation:
 *
 * <ul>
 *   <li>Every method is asynchronous: it returns at once and completes the stage from whatever
 *       thread the implementation chooses. It never blocks the caller's thread on I/O.
 *   <li>Every method is idempotent by node id. {@link #create} of a node that already exists
 *       completes with the existing resource (the engine re-runs steps after a crash); {@link
 *       #delete} of a node that does not exist completes normally.
 *   <li>A failure the engine may retry (a rate limit, a 5xx, a lost connection) completes the stage
 *       exceptionally with {@link TransientSpiException}; any other exception is permanent and
 *       fails the step.
 *   <li>{@link #list} reports every resource carrying the cluster's tag, including ones the engine
 *       has no record of, so that reconcile can find leaks.
 *   <li>{@link #start}, {@link #stop}, {@link #resize} and {@link #replaceImage} of a node that
 *       does not exist fail their stage (with {@link
 *       io.clusterlifecycle.api.error.NotFoundException} or another permanent exception) and create
 *       nothing.
 *   <li>A null argument is refused: the method throws {@link NullPointerException} or fails its
 *       stage; it never completes normally.
 * </ul>
 *
 * <p>{@code io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit} (module {@code
 * lifecycle-testkit}) checks this contract.
 */
public interface ResourceProvider extends AutoCloseable {

  /**
   * Creates a node's instance, volume and address, or finds them when they already exist, and
   * completes once the node is up (for providers whose creation is asynchronous, after polling).
   *
   * @param node what to create
   * @return the created or already existing resource
   */
  CompletionStage<NodeResource> create(NodeSpec node);

  /**
   * Looks a node's resource up.
   *
   * @param node the node
   * @return the resource, or empty when it does not exist
   */
  CompletionStage<Optional<NodeResource>> find(NodeRef node);

  /**
   * Lists every resource tagged with a cluster id.
   *
   * @param clusterId the cluster
   * @return the resources, in node id order
   */
  CompletionStage<List<NodeResource>> list(String clusterId);

  /**
   * Starts a stopped node's instance, keeping its volume. The address is unchanged, unless the
   * provider recreates the instance (a pod): then the resource reports the new one and the engine
   * republishes {@code /hosts}.
   *
   * @param node the node
   * @return the resource, now running
   */
  CompletionStage<NodeResource> start(NodeRef node);

  /**
   * Stops a node's instance, keeping its volume and reporting its last address.
   *
   * @param node the node
   * @return the resource, now stopped
   */
  CompletionStage<NodeResource> stop(NodeRef node);

  /**
   * Changes a node's cpu and memory and grows its volume. The address is unchanged unless the
   * provider recreates the instance, as for {@link #start}.
   *
   * @param node the node
   * @param cpu the new core count
   * @param memory the new memory, MiB
   * @param volumeSize the new volume size, GiB; ignored when the node has no volume
   * @return the resized resource
   */
  CompletionStage<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize);

  /**
   * Boots a node from another image, keeping its volume. The address is unchanged unless the
   * provider recreates the instance, as for {@link #start}.
   *
   * @param node the node
   * @param image the new image
   * @return the resource with its new image
   */
  CompletionStage<NodeResource> replaceImage(NodeRef node, String image);

  /**
   * The actions of {@link #act} this provider carries out (docs/design.md §6.13). The engine
   * refuses an action the set does not list before anything runs, naming the provider.
   *
   * @return the actions for which {@link NodeAction#byProvider()} is true that {@link #act}
   *     supports; empty by default
   */
  default java.util.Set<NodeAction> actions() {
    return java.util.Set.of();
  }

  /**
   * Carries out a provider action on a node (docs/design.md §6.13): one of {@link #actions()}.
   * Snapshot reverts are asked of a stopped instance (the engine stops a running one first and
   * starts it again after).
   *
   * @param node the node
   * @param action the action, one of {@link #actions()}
   * @param snapshot the snapshot's name for the snapshot actions; empty otherwise
   * @return the resource after the action
   */
  default CompletionStage<NodeResource> act(NodeRef node, NodeAction action, String snapshot) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new UnsupportedOperationException(
            getClass().getSimpleName() + " does not support the action " + action.label()));
  }

  /**
   * Deletes a node's instance and address and, unless kept, its volume.
   *
   * @param node the node
   * @param keepVolume true to leave the volume in place
   * @return the id of the kept volume, or empty when none was kept
   */
  CompletionStage<Optional<String>> delete(NodeRef node, boolean keepVolume);

  /**
   * Tells how many nodes this provider can hold at most, all clusters together, when it has a hard
   * limit (the local provider's loopback address space, say). The engine refuses, before planning
   * anything, a request whose cluster would pass it (docs/design.md §11).
   *
   * @return the limit, or empty (the default) when the provider states none
   */
  default java.util.OptionalInt maxNodes() {
    return java.util.OptionalInt.empty();
  }

  /** Releases clients and threads the provider holds; the default does nothing. */
  @Override
  default void close() {}
}
