package io.clusterlifecycle.events.kafka;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spi.ClusterStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Builds a {@link KafkaEventPublisher}. The bootstrap servers and the topic are required; status
 * snapshots are on when a cluster source is set, and then need a scheduler. Setters check their
 * argument at once; {@link #build()} checks that the settings fit together. Not thread-safe.
 */
public final class KafkaEventPublisherBuilder {
  /** The default interval between status snapshots. */
  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(30);

  /** The default number of messages the publisher queues before it drops new ones. */
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  /** The default time {@link KafkaEventPublisher#close()} waits for queued messages. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  String bootstrapServers;
  String topic;
  final Map<String, Object> producerProperties = new LinkedHashMap<>();
  Duration statusInterval = DEFAULT_STATUS_INTERVAL;
  Supplier<? extends CompletionStage<List<Cluster>>> clusterSource;
  ScheduledExecutorService scheduler;
  Clock clock = Clock.systemUTC();
  int queueCapacity = DEFAULT_QUEUE_CAPACITY;
  Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
  String sourceId = UUID.randomUUID().toString();

  KafkaEventPublisherBuilder() {}

  /**
   * Sets the brokers the producer starts from. Required.
   *
   * @param value {@code host:port} pairs separated by commas, as Kafka's {@code bootstrap.servers}
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is blank
   */
  public KafkaEventPublisherBuilder bootstrapServers(String value) {
    this.bootstrapServers = nonBlank(value, "bootstrapServers");
    return this;
  }

  /**
   * Sets the topic every message goes to. Required. The publisher does not create it: create it
   * with as many partitions as consumers need, or let the brokers create it.
   *
   * @param value the topic name
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is blank
   */
  public KafkaEventPublisherBuilder topic(String value) {
    this.topic = nonBlank(value, "topic");
    return this;
  }

  /**
   * Adds a Kafka producer property (security, compression, timeouts, ...), over the publisher's
   * defaults. Repeatable; a later value of the same key wins.
   *
   * @param key a producer configuration key; not {@code bootstrap.servers}, the serializers or
   *     {@code transactional.id}, which the publisher sets itself
   * @param value its value
   * @return this builder
   * @throws IllegalArgumentException if the key is one the publisher sets itself
   * @throws NullPointerException if either is null
   */
  public KafkaEventPublisherBuilder producerProperty(String key, Object value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    ProducerSettings.of("-", "-", Map.of(key, value));
    producerProperties.put(key, value);
    return this;
  }

  /**
   * Adds Kafka producer properties, as {@link #producerProperty} does for each.
   *
   * @param values the properties
   * @return this builder
   * @throws IllegalArgumentException if a key is one the publisher sets itself
   * @throws NullPointerException if {@code values}, a key or a value is null
   */
  public KafkaEventPublisherBuilder producerProperties(Map<String, ?> values) {
    Objects.requireNonNull(values, "values").forEach(this::producerProperty);
    return this;
  }

  /**
   * Sets the interval between status snapshots.
   *
   * @param value a positive interval of at least one millisecond; default 30 seconds
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is shorter than a millisecond
   */
  public KafkaEventPublisherBuilder statusInterval(Duration value) {
    Objects.requireNonNull(value, "statusInterval");
    if (value.toMillis() < 1) {
      throw new IllegalArgumentException("statusInterval must be at least 1 ms, was " + value);
    }
    this.statusInterval = value;
    return this;
  }

  /**
   * Turns status snapshots on, reading the clusters from a store: usually the engine's own.
   *
   * @param value the store; its {@link ClusterStore#list()} is called once per snapshot, on the
   *     scheduler's thread; the publisher does not close it
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public KafkaEventPublisherBuilder clusterStore(ClusterStore value) {
    Objects.requireNonNull(value, "clusterStore");
    this.clusterSource = value::list;
    return this;
  }

  /**
   * Turns status snapshots on, reading the clusters from any source, such as a cache the platform
   * keeps.
   *
   * @param value gives every cluster to report; called once per snapshot, on the scheduler's
   *     thread, it must not block
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public KafkaEventPublisherBuilder clusterSource(
      Supplier<? extends CompletionStage<List<Cluster>>> value) {
    this.clusterSource = Objects.requireNonNull(value, "clusterSource");
    return this;
  }

  /**
   * Sets the timer of the status snapshots; required with a cluster source. The publisher cancels
   * its task on close but does not shut the scheduler down.
   *
   * @param value the scheduler
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public KafkaEventPublisherBuilder scheduler(ScheduledExecutorService value) {
    this.scheduler = Objects.requireNonNull(value, "scheduler");
    return this;
  }

  /**
   * Sets the clock that stamps status snapshots ({@code ts}); events keep the engine's time.
   *
   * @param value the clock; default the system clock in UTC
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public KafkaEventPublisherBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  /**
   * Sets how many messages may wait for the producer; when the queue is full, new messages are
   * dropped and counted rather than blocking the engine.
   *
   * @param value at least 1; default 10,000
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is below 1
   */
  public KafkaEventPublisherBuilder queueCapacity(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1, was " + value);
    }
    this.queueCapacity = value;
    return this;
  }

  /**
   * Sets how long {@link KafkaEventPublisher#close()} waits for queued and in-flight messages to be
   * acknowledged.
   *
   * @param value zero or more; default 10 seconds
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public KafkaEventPublisherBuilder closeTimeout(Duration value) {
    Objects.requireNonNull(value, "closeTimeout");
    if (value.isNegative()) {
      throw new IllegalArgumentException("closeTimeout must not be negative, was " + value);
    }
    this.closeTimeout = value;
    return this;
  }

  /**
   * Sets the {@code source} field of every message, which tells the publishers (and so the engine
   * runs) apart: an engine's {@code seq} starts again at 1 when it restarts, so consumers dedupe
   * events by ({@code source}, {@code cluster}, {@code seq}).
   *
   * @param value the id; default a random UUID per publisher
   * @return this builder
   * @throws IllegalArgumentException if {@code value} is blank
   */
  public KafkaEventPublisherBuilder sourceId(String value) {
    this.sourceId = nonBlank(value, "sourceId");
    return this;
  }

  /**
   * Builds the publisher: creates its producer, starts its sender thread and, with a cluster
   * source, its status snapshots, the first one at once.
   *
   * @return the publisher, open until closed
   * @throws IllegalStateException if the bootstrap servers or the topic are missing, or a cluster
   *     source is set without a scheduler
   * @throws org.apache.kafka.common.KafkaException if the producer cannot be created from the
   *     properties
   */
  public KafkaEventPublisher build() {
    if (bootstrapServers == null) {
      throw new IllegalStateException("bootstrapServers is required");
    }
    if (topic == null) {
      throw new IllegalStateException("topic is required");
    }
    if (clusterSource != null && scheduler == null) {
      throw new IllegalStateException("status snapshots (a cluster source) need a scheduler");
    }
    return new KafkaEventPublisher(this);
  }

  private static String nonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
