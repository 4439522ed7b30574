package io.clusterlifecycle.events.kafka;

/**
 * What a {@link KafkaEventPublisher} did with the messages (events and status snapshots) given to
 * it since it was built. The counts only grow. A message given to it is either queued or dropped at
 * once; a queued one then ends up in exactly one of {@code published}, {@code failed} and {@code
 * dropped} (when {@link KafkaEventPublisher#close()} gives up on the queue), or is still on its
 * way. So once the publisher is closed, {@code published + failed + dropped} counts every message.
 *
 * @param queued messages accepted into the publisher's queue
 * @param published messages the broker acknowledged ({@code acks=all})
 * @param failed messages whose send failed: the producer refused them, or gave up on them after its
 *     delivery timeout (and, never expected, events that could not be rendered as JSON)
 * @param dropped messages never handed to the producer: the queue was full, the publisher was
 *     closed, or it was closed before the queue drained
 * @param snapshotFailures status rounds that published nothing because the cluster source failed
 */
public record PublisherStats(
    long queued, long published, long failed, long dropped, long snapshotFailures) {}
