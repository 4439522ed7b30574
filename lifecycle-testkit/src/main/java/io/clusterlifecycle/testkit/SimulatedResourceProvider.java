package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A {@link ResourceProvider} decorated by a {@link Simulator}; see {@link Simulator#wrap}. */
final class SimulatedResourceProvider implements ResourceProvider {
  private final Simulator sim;
  private final ResourceProvider delegate;

  SimulatedResourceProvider(Simulator sim, ResourceProvider delegate) {
    this.sim = sim;
    this.delegate = delegate;
  }

  @Override
  public CompletionStage<NodeResource> create(NodeSpec node) {
    Objects.requireNonNull(node, "node");
    return sim.call(SpiMethod.RESOURCE_CREATE, node.ref().nodeId(), () -> delegate.create(node));
  }

  @Override
  public CompletionStage<Optional<NodeResource>> find(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return sim.call(SpiMethod.RESOURCE_FIND, node.nodeId(), () -> delegate.find(node));
  }

  @Override
  public CompletionStage<List<NodeResource>> list(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return sim.call(SpiMethod.RESOURCE_LIST, "", () -> delegate.list(clusterId));
  }

  @Override
  public CompletionStage<NodeResource> start(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return sim.call(SpiMethod.RESOURCE_START, node.nodeId(), () -> delegate.start(node));
  }

  /** The delegate's actions. */
  @Override
  public java.util.Set<io.clusterlifecycle.api.state.NodeAction> actions() {
    return delegate.actions();
  }

  /** Passed to the delegate as it is (no fault is injected into actions). */
  @Override
  public CompletionStage<NodeResource> act(
      NodeRef node, io.clusterlifecycle.api.state.NodeAction action, String snapshot) {
    return delegate.act(node, action, snapshot);
  }

  @Override
  public CompletionStage<NodeResource> stop(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return sim.call(SpiMethod.RESOURCE_STOP, node.nodeId(), () -> delegate.stop(node));
  }

  @Override
  public CompletionStage<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    Objects.requireNonNull(node, "node");
    return sim.call(
        SpiMethod.RESOURCE_RESIZE,
        node.nodeId(),
        () -> delegate.resize(node, cpu, memory, volumeSize));
  }

  @Override
  public CompletionStage<NodeResource> replaceImage(NodeRef node, String image) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(image, "image");
    return sim.call(
        SpiMethod.RESOURCE_REPLACE_IMAGE, node.nodeId(), () -> delegate.replaceImage(node, image));
  }

  @Override
  public CompletionStage<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    Objects.requireNonNull(node, "node");
    return sim.call(
        SpiMethod.RESOURCE_DELETE, node.nodeId(), () -> delegate.delete(node, keepVolume));
  }

  /** Does not close the wrapped provider, which belongs to the caller. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Simulated[" + delegate + "]";
  }
}
