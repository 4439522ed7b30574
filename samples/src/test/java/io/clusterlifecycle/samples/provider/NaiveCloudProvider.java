package io.clusterlifecycle.samples.provider;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A deliberately broken {@link ResourceProvider}, for {@link BrokenProviderFailsTheKitTest}. It
 * makes the most common mistake of a first cloud adapter: {@link #create} is not idempotent.
 *
 * <p>It stands for an adapter of a cloud API whose "run an instance" call always starts a new
 * machine, as most do (EC2 {@code RunInstances} without a client token; Nova accepts two servers of
 * the same name). Its {@link #create} calls that API straight away and tags the new machine with
 * the node id, without first asking whether a machine with that tag already exists. Every other
 * method finds the node's machine by its tag and does the right thing, so each test written by hand
 * - create a node, then stop, resize, delete it - passes.
 *
 * <p>Why that is broken: the engine calls {@code create} again for a node whose creation it cannot
 * know finished: after its process crashed, after a call timed out, when it retries a {@link
 * io.clusterlifecycle.api.spi.TransientSpiException}. Each repeat here starts another machine. The
 * node comes back with another address and instance id than the engine recorded, the first machine
 * keeps running (and costing) without anyone tracking it, and {@link #list} shows the node twice.
 * The fix is what {@link DirectoryResourceProvider#create} does: look the node up first (by its
 * tag, or let the API deduplicate with an idempotency token derived from the node id) and start a
 * machine only when there is none, with creates of one node serialised so that two racing creates
 * cannot both find nothing.
 *
 * <p>To keep the example short the "cloud" is a map and every call completes before it returns,
 * which the contract allows.
 */
final class NaiveCloudProvider implements ResourceProvider {
  /** The cloud's machines by instance id, in launch order; guarded by {@code this}. */
  private final Map<String, NodeResource> machines = new LinkedHashMap<>();

  private int launched;

  @Override
  public synchronized CompletableFuture<NodeResource> create(NodeSpec node) {
    Objects.requireNonNull(node, "node");
    // The mistake: launch at once. An idempotent create first looks for the node's machine:
    //   Optional<NodeResource> existing = machineOf(node.ref());
    //   if (existing.isPresent()) { return CompletableFuture.completedFuture(existing.get()); }
    return CompletableFuture.completedFuture(launch(node));
  }

  @Override
  public synchronized CompletableFuture<Optional<NodeResource>> find(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return CompletableFuture.completedFuture(machineOf(node));
  }

  @Override
  public synchronized CompletableFuture<List<NodeResource>> list(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return CompletableFuture.completedFuture(
        machines.values().stream()
            .filter(m -> clusterId.equals(m.tags().get(NodeSpec.TAG_CLUSTER)))
            .sorted(Comparator.comparing(m -> m.ref().nodeId()))
            .toList());
  }

  @Override
  public CompletableFuture<NodeResource> start(NodeRef node) {
    return change(node, m -> m.toBuilder().running(true).build());
  }

  @Override
  public CompletableFuture<NodeResource> stop(NodeRef node) {
    return change(node, m -> m.toBuilder().running(false).build());
  }

  @Override
  public CompletableFuture<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    return change(
        node,
        m ->
            m.toBuilder()
                .cpu(cpu)
                .memory(memory)
                .volumeSize(m.volumeSize() > 0 ? Math.max(volumeSize, m.volumeSize()) : 0)
                .build());
  }

  @Override
  public CompletableFuture<NodeResource> replaceImage(NodeRef node, String image) {
    Objects.requireNonNull(image, "image");
    return change(node, m -> m.toBuilder().image(image).build());
  }

  @Override
  public synchronized CompletableFuture<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    Objects.requireNonNull(node, "node");
    Optional<NodeResource> machine = machineOf(node);
    machine.ifPresent(m -> machines.remove(m.instanceId()));
    return CompletableFuture.completedFuture(
        machine.filter(m -> keepVolume).flatMap(NodeResource::volumeId));
  }

  /** "Run an instance": the cloud starts a new machine on every call. */
  private NodeResource launch(NodeSpec node) {
    int n = ++launched;
    Map<String, String> tags = new TreeMap<>(node.tags());
    tags.put(NodeSpec.TAG_CLUSTER, node.ref().clusterId());
    tags.put(NodeSpec.TAG_ROLE, node.role());
    tags.put(NodeSpec.TAG_NODE, node.ref().nodeId());
    NodeResource machine =
        NodeResource.builder()
            .ref(node.ref())
            .role(node.role())
            .instanceId("i-" + n)
            .address("10.1." + (n / 250) + "." + (n % 250 + 1))
            .cpu(node.cpu())
            .memory(node.memory())
            .volumeSize(node.volumeSize())
            .volumeId(node.volumeSize() > 0 ? "vol-" + n : "")
            .image(node.image())
            .running(true)
            .tags(tags)
            .build();
    machines.put(machine.instanceId(), machine);
    return machine;
  }

  /** The first machine tagged with the node's cluster and node ids. */
  private Optional<NodeResource> machineOf(NodeRef node) {
    return machines.values().stream()
        .filter(
            m ->
                node.clusterId().equals(m.tags().get(NodeSpec.TAG_CLUSTER))
                    && node.nodeId().equals(m.tags().get(NodeSpec.TAG_NODE)))
        .findFirst();
  }

  private synchronized CompletableFuture<NodeResource> change(
      NodeRef node, UnaryOperator<NodeResource> how) {
    Objects.requireNonNull(node, "node");
    Optional<NodeResource> machine = machineOf(node);
    if (machine.isEmpty()) {
      return CompletableFuture.failedFuture(
          new NotFoundException(
              "no machine is tagged with node "
                  + node.nodeId()
                  + " of cluster "
                  + node.clusterId()));
    }
    NodeResource changed = how.apply(machine.get());
    machines.put(changed.instanceId(), changed);
    return CompletableFuture.completedFuture(changed);
  }
}
