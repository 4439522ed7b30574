/**
 * Publishes the engine's events, and a periodic status snapshot of every cluster, to a Kafka topic
 * as JSON (docs/kafka.md): the real-time status sync of a platform. {@link
 * io.clusterlifecycle.events.kafka.KafkaEventPublisher} is the event listener to register with the
 * engine, made by its {@link io.clusterlifecycle.events.kafka.KafkaEventPublisher#builder()};
 * {@link io.clusterlifecycle.events.kafka.PublisherStats} counts what it sent, dropped and failed
 * to send. Everything else in this package is internal.
 */
package io.clusterlifecycle.events.kafka;
