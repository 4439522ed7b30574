package io.clusterlifecycle.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The publisher with no broker at all: every send fails, is counted, and never reaches the caller;
 * a full queue drops; close does not hang. No broker is started.
 */
class PublisherFailureTest {

  /** A port on 127.0.0.1 where nothing listens. */
  private static String nowhere() throws IOException {
    try (ServerSocket s =
        new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private static LifecycleEvent event(long seq) {
    return LifecycleEvent.builder(EventType.STATE_CHANGED)
        .cluster("kv-1a2b3c")
        .message("event " + seq)
        .build(seq, Instant.now());
  }

  private static KafkaEventPublisherBuilder builder() throws IOException {
    return KafkaEventPublisher.builder()
        .bootstrapServers(nowhere())
        .topic("lifecycle")
        .producerProperty("max.block.ms", 200)
        .producerProperty("reconnect.backoff.max.ms", 100)
        .closeTimeout(Duration.ZERO);
  }

  @Test
  void brokerUnreachable_sendsFail_areCounted_andOnEventNeitherThrowsNorWaits() throws Exception {
    try (KafkaEventPublisher publisher = builder().build()) {
      long t0 = System.nanoTime();
      for (long seq = 1; seq <= 3; seq++) {
        LifecycleEvent e = event(seq);
        assertThatCode(() -> publisher.onEvent(e)).doesNotThrowAnyException();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(200));

      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.stats().failed() == 3);
      assertThat(publisher.stats()).isEqualTo(new PublisherStats(3, 0, 3, 0, 0));
      System.out.printf("no broker: publisher %s%n", publisher.stats());
    }
  }

  @Test
  void aFullQueue_dropsAndCounts_andCloseAccountsForEveryMessage() throws Exception {
    KafkaEventPublisher publisher =
        builder().queueCapacity(1).producerProperty("max.block.ms", 5_000).build();
    for (long seq = 1; seq <= 20; seq++) {
      publisher.onEvent(event(seq));
    }
    PublisherStats offered = publisher.stats();
    assertThat(offered.queued() + offered.dropped()).isEqualTo(20);
    assertThat(offered.dropped()).isGreaterThanOrEqualTo(18);

    long t0 = System.nanoTime();
    publisher.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("close gives up at once with a zero timeout")
        .isLessThan(Duration.ofSeconds(3));
    publisher.onEvent(event(21));
    PublisherStats s = publisher.stats();
    assertThat(s.published() + s.failed() + s.dropped()).isEqualTo(21);
    assertThat(s.published()).isZero();
  }

  @Test
  void aFailingClusterSource_isCounted_andTheNextRoundStillRuns() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (KafkaEventPublisher publisher =
        builder()
            .clusterSource(() -> CompletableFuture.failedFuture(new IllegalStateException("down")))
            .scheduler(scheduler)
            .statusInterval(Duration.ofMillis(20))
            .build()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.stats().snapshotFailures() >= 2);
      CompletableFuture<Integer> now = publisher.publishStatus().toCompletableFuture();
      assertThatCode(() -> now.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseMessage("down");
      assertThat(publisher.stats().queued()).isZero();
    } finally {
      scheduler.shutdownNow();
    }
  }
}
