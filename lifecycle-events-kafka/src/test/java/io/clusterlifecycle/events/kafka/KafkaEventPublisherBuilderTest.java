package io.clusterlifecycle.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.testkit.InMemoryClusterStore;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class KafkaEventPublisherBuilderTest {
  @Test
  void theServersAndTheTopic_areRequired() {
    assertThatThrownBy(() -> KafkaEventPublisher.builder().topic("t").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> KafkaEventPublisher.builder().bootstrapServers("b:9092").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("topic");
  }

  @Test
  void snapshots_needAScheduler() {
    assertThatThrownBy(
            () ->
                KafkaEventPublisher.builder()
                    .bootstrapServers("b:9092")
                    .topic("t")
                    .clusterStore(new InMemoryClusterStore())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scheduler");
  }

  @Test
  void settersCheckTheirArgumentAtOnce() {
    KafkaEventPublisherBuilder b = KafkaEventPublisher.builder();
    assertThatThrownBy(() -> b.topic(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.queueCapacity(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.statusInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.closeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.producerProperty("acks", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acks");
    assertThatThrownBy(() -> b.producerProperty("value.serializer", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withoutAClusterSource_publishStatusFails_andCloseTwiceIsHarmless() throws Exception {
    KafkaEventPublisher p =
        KafkaEventPublisher.builder()
            .bootstrapServers("127.0.0.1:1")
            .topic("t")
            .sourceId("engine-a")
            .closeTimeout(Duration.ZERO)
            .build();
    assertThat(p.sourceId()).isEqualTo("engine-a");
    assertThat(p.topic()).isEqualTo("t");
    assertThatThrownBy(() -> p.publishStatus().toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    p.close();
    p.close();
  }
}
