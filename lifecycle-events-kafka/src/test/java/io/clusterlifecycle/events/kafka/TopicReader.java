package io.clusterlifecycle.events.kafka;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Reads a whole topic from the start, every partition, as a platform's consumer would; no consumer
 * group. Not thread-safe.
 */
final class TopicReader implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One message read: its key, where it was, and its JSON. */
  record Message(String key, int partition, long offset, JsonNode json) {
    String type() {
      return json.path("type").asText();
    }
  }

  private final KafkaConsumer<String, String> consumer;
  private final List<Message> read = new ArrayList<>();

  TopicReader(String bootstrapServers, String topic) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
            new StringDeserializer(),
            new StringDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * Reads until what was read so far satisfies {@code done}.
   *
   * @return every message read so far: by partition in offset order, partitions interleaved
   */
  List<Message> readUntil(Predicate<List<Message>> done, Duration atMost) {
    try {
      await()
          .atMost(atMost)
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  read.add(new Message(r.key(), r.partition(), r.offset(), parse(r.value())));
                }
                return done.test(List.copyOf(read));
              });
    } catch (ConditionTimeoutException e) {
      Map<String, Integer> counts = new TreeMap<>();
      read.forEach(m -> counts.merge(m.type() + " " + m.key(), 1, Integer::sum));
      throw new AssertionError(
          "after " + atMost + " the topic still lacked messages; read by type and key: " + counts,
          e);
    }
    return List.copyOf(read);
  }

  /** The messages of one type, grouped by key, each key's in the order of its partition. */
  static Map<String, List<Message>> byKey(List<Message> messages, String type) {
    Map<String, List<Message>> out = new LinkedHashMap<>();
    for (Message m : messages) {
      if (m.type().equals(type)) {
        out.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
      }
    }
    return out;
  }

  private static JsonNode parse(String value) {
    try {
      return JSON.readTree(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
