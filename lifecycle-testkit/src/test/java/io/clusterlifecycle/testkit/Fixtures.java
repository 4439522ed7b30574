package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Builders of SPI values and small helpers shared by the tests. */
final class Fixtures {
  static final Duration WAIT = Duration.ofSeconds(10);

  private Fixtures() {}

  static NodeSpec spec(String clusterId, String nodeId, String role, int volumeSize) {
    return NodeSpec.builder()
        .ref(new NodeRef(clusterId, nodeId))
        .clusterName("demo")
        .namespace("default")
        .role(role)
        .cpu(2)
        .memory(2048)
        .volumeSize(volumeSize)
        .mountPoint(volumeSize > 0 ? "/data" : "")
        .image("")
        .tags(Map.of("team", "qa"))
        .build();
  }

  static NodeResource node(String nodeId, String role) {
    return NodeResource.builder()
        .ref(new NodeRef("c1", nodeId))
        .role(role)
        .instanceId("i-1")
        .address("10.0.0.1")
        .cpu(1)
        .memory(1024)
        .volumeSize(0)
        .volumeId("")
        .image("")
        .running(true)
        .tags(Map.of())
        .build();
  }

  static CommandRequest request(String service, String nodeId, String role, Duration timeout) {
    return CommandRequest.builder()
        .node(node(nodeId, role))
        .service(service)
        .script("run-" + service)
        .environment(Map.of(CommandRequest.LC_NODE_ID, nodeId, CommandRequest.LC_SERVICE, service))
        .timeout(timeout)
        .build();
  }

  static CommandRequest request(String service, String nodeId, String role) {
    return request(service, nodeId, role, Duration.ofMinutes(10));
  }

  /** Waits for a stage with a bound, unwrapping nothing. */
  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A clock a test moves by hand. */
  static final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    TestClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
