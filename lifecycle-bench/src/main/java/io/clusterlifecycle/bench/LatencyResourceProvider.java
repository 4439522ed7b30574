package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A resource provider that only takes time: every call completes after the latency the {@link
 * LatencyModel} gives it, on the timer's thread (as a real adapter completes on its I/O thread),
 * and keeps no resources, so that a benchmark measures the engine and not the simulation. With a
 * zero latency a call completes before it returns. {@code find} and {@code list} report nothing:
 * the engine does not call them while running plans.
 *
 * <p>Thread-safe. {@link #close()} does nothing; the timer belongs to the caller.
 */
public final class LatencyResourceProvider implements ResourceProvider {
  /** Method key of {@link #create}. */
  public static final String CREATE = "create";

  /** Method key of {@link #delete}. */
  public static final String DELETE = "delete";

  /** Method key of {@link #start}. */
  public static final String START = "start";

  /** Method key of {@link #stop}. */
  public static final String STOP = "stop";

  /** Method key of {@link #resize}. */
  public static final String RESIZE = "resize";

  /** Method key of {@link #replaceImage}. */
  public static final String REPLACE_IMAGE = "replaceImage";

  private final LatencyModel latency;
  private final ScheduledExecutorService timer;
  private final LongAdder calls = new LongAdder();
  private final CallTimes times;

  /**
   * Creates a provider.
   *
   * @param latency the latencies
   * @param timer completes calls after their latency; may be null when every latency is zero
   */
  public LatencyResourceProvider(LatencyModel latency, ScheduledExecutorService timer) {
    this(latency, timer, new CallTimes());
  }

  /**
   * Creates a provider that notes its calls' times.
   *
   * @param latency the latencies
   * @param timer completes calls after their latency; may be null when every latency is zero
   * @param times where call times go once started
   */
  public LatencyResourceProvider(
      LatencyModel latency, ScheduledExecutorService timer, CallTimes times) {
    this.times = Objects.requireNonNull(times, "times");
    this.latency = Objects.requireNonNull(latency, "latency");
    if (timer == null && !latency.resource().isZero()) {
      throw new IllegalArgumentException("a provider latency needs a timer");
    }
    this.timer = timer;
  }

  /**
   * Tells how many calls were made.
   *
   * @return the calls so far
   */
  public long calls() {
    return calls.sum();
  }

  @Override
  public CompletableFuture<NodeResource> create(NodeSpec node) {
    return after(
        node.ref(),
        CREATE,
        () ->
            NodeResource.builder()
                .ref(node.ref())
                .role(node.role())
                .instanceId("i-" + node.ref().nodeId())
                .address(address(node.ref()))
                .cpu(node.cpu())
                .memory(node.memory())
                .volumeSize(node.volumeSize())
                .volumeId(node.volumeSize() > 0 ? "v-" + node.ref().nodeId() : "")
                .image(node.image())
                .running(true)
                .tags(node.tags())
                .build());
  }

  @Override
  public CompletableFuture<Optional<NodeResource>> find(NodeRef node) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  @Override
  public CompletableFuture<List<NodeResource>> list(String clusterId) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public CompletableFuture<NodeResource> start(NodeRef node) {
    return after(node, START, () -> resource(node, true));
  }

  @Override
  public CompletableFuture<NodeResource> stop(NodeRef node) {
    return after(node, STOP, () -> resource(node, false));
  }

  @Override
  public CompletableFuture<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    return after(node, RESIZE, () -> resource(node, true));
  }

  @Override
  public CompletableFuture<NodeResource> replaceImage(NodeRef node, String image) {
    return after(node, REPLACE_IMAGE, () -> resource(node, true));
  }

  @Override
  public CompletableFuture<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    return after(
        node, DELETE, () -> keepVolume ? Optional.of("v-" + node.nodeId()) : Optional.empty());
  }

  private static NodeResource resource(NodeRef node, boolean running) {
    return NodeResource.builder()
        .ref(node)
        .role("")
        .instanceId("i-" + node.nodeId())
        .address(address(node))
        .cpu(0)
        .memory(0)
        .volumeSize(0)
        .volumeId("")
        .image("")
        .running(running)
        .tags(Map.of())
        .build();
  }

  private static String address(NodeRef node) {
    int h = node.nodeId().hashCode();
    return "10." + ((h >>> 16) & 0xff) + "." + ((h >>> 8) & 0xff) + "." + (h & 0xff);
  }

  private <T> CompletableFuture<T> after(NodeRef node, String method, Supplier<T> result) {
    calls.increment();
    long nanos = latency.resourceNanos(node.clusterId(), node.nodeId(), method);
    long[] call = times.begin(nanos);
    if (nanos == 0) {
      CompletableFuture<T> f = CompletableFuture.completedFuture(result.get());
      CallTimes.done(call);
      return f;
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    timer.schedule(
        () -> {
          CallTimes.done(call);
          f.complete(result.get());
        },
        nanos,
        TimeUnit.NANOSECONDS);
    return f;
  }
}
