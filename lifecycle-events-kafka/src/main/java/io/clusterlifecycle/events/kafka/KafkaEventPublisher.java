package io.clusterlifecycle.events.kafka;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the engine's events, and a status snapshot of every cluster every interval, to one
 * Kafka topic as JSON documents (docs/kafka.md): the real-time status sync of a platform. Register
 * it with {@code LifecycleEngine.builder().eventListener(publisher)}; make it with {@link
 * #builder()}.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Every message is keyed by its cluster id ({@link #NO_CLUSTER_KEY} for an event without a
 *       cluster), so the messages of one cluster go to one partition, in the order they were given:
 *       the events of a cluster in {@code seq} order.
 *   <li>{@link #onEvent} renders the event and queues it; it never blocks and never throws. One
 *       thread of the publisher hands the queued messages to an idempotent producer with {@code
 *       acks=all}, which retries until its delivery timeout: delivery is at least once, and a
 *       broker that is away for less than that timeout loses nothing.
 *   <li>A message that cannot be queued (the queue is full, the publisher is closed) is dropped; a
 *       send that fails is given up. Both are counted in {@link #stats()} and logged through SLF4J,
 *       at most one warning per ten seconds each, with the message's kind and key but never its
 *       content.
 * </ul>
 *
 * <p>Thread-safe. Close it after the engine, so that the last events are sent.
 */
public final class KafkaEventPublisher implements EventListener, AutoCloseable {
  /** The {@code schema} of an event message. */
  public static final String EVENT_SCHEMA = "lifecycle.event/1";

  /** The {@code schema} of a status message. */
  public static final String STATUS_SCHEMA = "lifecycle.status/1";

  /** The key of an event that concerns no cluster; such events share one partition, in order. */
  public static final String NO_CLUSTER_KEY = "_engine";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);

  private final String topic;
  private final String sourceId;
  private final Duration closeTimeout;
  private final Counters counters = new Counters();
  private final Outbox outbox;
  private final StatusSnapshots snapshots;
  private final AtomicBoolean closed = new AtomicBoolean();

  KafkaEventPublisher(KafkaEventPublisherBuilder b) {
    this.topic = b.topic;
    this.sourceId = b.sourceId;
    this.closeTimeout = b.closeTimeout;
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            ProducerSettings.of(
                b.bootstrapServers, "lifecycle-events-" + b.sourceId, b.producerProperties),
            new StringSerializer(),
            new ByteArraySerializer());
    this.outbox = new Outbox(producer, b.topic, b.queueCapacity, counters);
    StatusSnapshots s = null;
    if (b.clusterSource != null) {
      try {
        s =
            new StatusSnapshots(
                b.clusterSource,
                b.scheduler,
                b.statusInterval,
                outbox,
                counters,
                b.clock,
                b.sourceId);
      } catch (RuntimeException e) {
        outbox.close(Duration.ZERO);
        throw e;
      }
    }
    this.snapshots = s;
  }

  /**
   * Starts a builder.
   *
   * @return a builder with nothing set
   */
  public static KafkaEventPublisherBuilder builder() {
    return new KafkaEventPublisherBuilder();
  }

  /**
   * Publishes one event, keyed by its cluster id: renders it and queues it for the producer. Never
   * blocks and never throws; an event that cannot be queued (or a null one) is dropped and counted.
   *
   * @param event the event, which the engine has already scrubbed of secrets
   */
  @Override
  public void onEvent(LifecycleEvent event) {
    if (event == null) {
      counters.dropped.incrementAndGet();
      return;
    }
    try {
      byte[] json = EventJson.render(event, sourceId);
      outbox.offer(
          new Outgoing(event.cluster().orElse(NO_CLUSTER_KEY), json, "event " + event.seq()));
    } catch (RuntimeException e) {
      counters.failed.incrementAndGet();
      LOG.warn("could not render event {} ({}): {}", event.seq(), event.event(), e.toString());
    }
  }

  /**
   * Publishes a status snapshot now, besides the periodic ones: reads the clusters from the source
   * and queues one status message each. Never blocks.
   *
   * @return completes with the number of status messages queued; completes exceptionally with
   *     {@link IllegalStateException} when no cluster source is set or the publisher is closed, or
   *     with the source's failure, which is also counted
   */
  public CompletionStage<Integer> publishStatus() {
    if (snapshots == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("no cluster source is set: status snapshots are off"));
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the publisher is closed"));
    }
    return snapshots.round();
  }

  /**
   * Returns what the publisher did with the messages given to it so far.
   *
   * @return the counts at this moment
   */
  public PublisherStats stats() {
    return counters.snapshot();
  }

  /**
   * Returns the topic every message goes to.
   *
   * @return the topic name
   */
  public String topic() {
    return topic;
  }

  /**
   * Returns the {@code source} field of every message of this publisher.
   *
   * @return the source id
   */
  public String sourceId() {
    return sourceId;
  }

  /**
   * Stops the status snapshots, sends what is queued and closes the producer, waiting up to the
   * builder's close timeout for every message to be acknowledged (a flush). What is still queued
   * after that is dropped, what is still in flight fails; both are counted. Events received
   * afterwards are dropped. Calling it again does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (snapshots != null) {
      snapshots.stop();
    }
    outbox.close(closeTimeout);
    PublisherStats s = stats();
    LOG.info(
        "closed the publisher to topic {}: {} published, {} failed, {} dropped",
        topic,
        s.published(),
        s.failed(),
        s.dropped());
  }
}
