package io.clusterlifecycle.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProducerSettingsTest {
  @Test
  void defaults_areAtLeastOnceInOrder() {
    Map<String, Object> p = ProducerSettings.of("127.0.0.1:9092", "me", Map.of());

    assertThat(p)
        .containsEntry("bootstrap.servers", "127.0.0.1:9092")
        .containsEntry("client.id", "me")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("max.in.flight.requests.per.connection", "1")
        .containsEntry("retries", String.valueOf(Integer.MAX_VALUE));
  }

  @Test
  void extraProperties_goOverTheDefaults_andMayRepeatTheRequiredOnes() {
    Map<String, Object> p =
        ProducerSettings.of(
            "b:9092",
            "me",
            Map.of(
                "linger.ms", 50,
                "client.id", "platform",
                "acks", "-1",
                "max.in.flight.requests.per.connection", 5,
                "compression.type", "zstd"));

    assertThat(p)
        .containsEntry("linger.ms", 50)
        .containsEntry("client.id", "platform")
        .containsEntry("acks", "-1")
        .containsEntry("max.in.flight.requests.per.connection", 5)
        .containsEntry("compression.type", "zstd")
        .containsEntry("enable.idempotence", "true");
  }

  @Test
  void propertiesThatWeakenDelivery_areRefused() {
    for (Map.Entry<String, Object> weak :
        Map.<String, Object>of(
                "acks",
                "1",
                "enable.idempotence",
                false,
                "max.in.flight.requests.per.connection",
                6,
                "retries",
                0)
            .entrySet()) {
      assertThatThrownBy(
              () -> ProducerSettings.of("b:9092", "me", Map.of(weak.getKey(), weak.getValue())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(weak.getKey());
    }
  }

  @Test
  void propertiesThePublisherSetsItself_areRefused() {
    for (String own :
        new String[] {
          "bootstrap.servers", "key.serializer", "value.serializer", "transactional.id"
        }) {
      assertThatThrownBy(() -> ProducerSettings.of("b:9092", "me", Map.of(own, "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(own);
    }
  }
}
