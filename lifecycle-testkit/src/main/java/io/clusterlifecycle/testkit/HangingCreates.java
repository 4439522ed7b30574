package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link ResourceProvider} for testing recovery from an engine killed mid-create: it passes every
 * call to another provider, except that {@link #create} starts the node's creation there and never
 * completes. An engine using it makes the nodes' instances and then hangs, as an engine killed at
 * that moment would have left them; another engine's {@code recover} must then find them instead of
 * making second ones. Each creation the delegate completes counts the latch down, so a test can
 * wait until every instance exists. Thread-safe when the delegate is.
 */
public final class HangingCreates implements ResourceProvider {
  private final ResourceProvider delegate;
  private final CountDownLatch created;

  /**
   * Wraps a provider.
   *
   * @param delegate the provider that makes the instances
   * @param created counted down once for each node the delegate has created
   */
  public HangingCreates(ResourceProvider delegate, CountDownLatch created) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.created = Objects.requireNonNull(created, "created");
  }

  /**
   * Starts creating the node on the delegate and never completes.
   *
   * @param node the node
   * @return a stage that never completes
   */
  @Override
  public CompletionStage<NodeResource> create(NodeSpec node) {
    var unused = delegate.create(node).thenRun(created::countDown);
    return new CompletableFuture<>();
  }

  @Override
  public CompletionStage<Optional<NodeResource>> find(NodeRef node) {
    return delegate.find(node);
  }

  @Override
  public CompletionStage<List<NodeResource>> list(String clusterId) {
    return delegate.list(clusterId);
  }

  @Override
  public CompletionStage<NodeResource> start(NodeRef node) {
    return delegate.start(node);
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
    return delegate.stop(node);
  }

  @Override
  public CompletionStage<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    return delegate.resize(node, cpu, memory, volumeSize);
  }

  @Override
  public CompletionStage<NodeResource> replaceImage(NodeRef node, String image) {
    return delegate.replaceImage(node, image);
  }

  @Override
  public CompletionStage<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    return delegate.delete(node, keepVolume);
  }
}
