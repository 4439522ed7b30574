package io.clusterlifecycle.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CodecRoundTripsTest {
  private static final AppSpec SPEC =
      AppSpec.builder("web", "1.0").role("web", r -> r.count(1).service("start", "s")).build();

  @Test
  void aRecordThatReadsBackEqual_isNotReported() {
    CodecRoundTrips checks = new CodecRoundTrips();
    Cluster c =
        Cluster.builder("c-1", "c", SPEC, Instant.parse("2026-12-04T10:00:00.123Z")).build();

    checks.wrap(new InMemoryClusterStore()).put(c).toCompletableFuture().join();

    assertThat(checks.mismatches()).isEmpty();
  }

  @Test
  void aRecordWithTimesFinerThanTheCodecKeeps_isReportedWithTheComponentThatDiffers() {
    CodecRoundTrips checks = new CodecRoundTrips();
    // the codec keeps times to the millisecond
    Cluster c =
        Cluster.builder("c-1", "c", SPEC, Instant.parse("2026-12-04T10:00:00.123456Z")).build();

    checks
        .wrap(new InMemoryClusterStore())
        .write(new StoreBatch(Optional.of(c), List.of(), List.of()))
        .toCompletableFuture()
        .join();

    assertThat(checks.mismatches())
        .singleElement(STRING)
        .contains("cluster c-1 v0 reads back different", "createdAt: 2026-12-04T10:00:00.123456Z");
  }
}
