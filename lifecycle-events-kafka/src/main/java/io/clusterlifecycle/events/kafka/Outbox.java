package io.clusterlifecycle.events.kafka;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue in front of the producer, and the one thread that hands its messages to the
 * producer in the order they were queued. Queuing never blocks: a full queue drops the message. The
 * sender thread is the only one that may wait on the producer (for metadata, or for room in its
 * buffer), so the threads that queue never do. A failed send is counted and logged, at most one
 * warning per period.
 */
final class Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  private static final Duration WARN_EVERY = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 100;

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Counters counters;
  private final BlockingQueue<Outgoing> queue;
  private final Thread sender;
  private final ThrottledWarning sendWarning = new ThrottledWarning(WARN_EVERY);
  private final ThrottledWarning dropWarning = new ThrottledWarning(WARN_EVERY);
  private volatile boolean accepting = true;
  private volatile boolean abandoned;

  Outbox(Producer<String, byte[]> producer, String topic, int capacity, Counters counters) {
    this.producer = producer;
    this.topic = topic;
    this.counters = counters;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sender = new Thread(this::run, "lifecycle-kafka-publisher[" + topic + "]");
    sender.setDaemon(true);
    sender.start();
  }

  /** Queues a message; never blocks. Returns false, and counts it dropped, when it cannot. */
  boolean offer(Outgoing message) {
    if (accepting && queue.offer(message)) {
      counters.queued.incrementAndGet();
      return true;
    }
    long dropped = counters.dropped.incrementAndGet();
    String why = accepting ? "the queue is full" : "the publisher is closed";
    if (dropWarning.due()) {
      LOG.warn(
          "dropped {} for topic {} (key {}): {}; {} dropped so far",
          message.label(),
          topic,
          message.key(),
          why,
          dropped);
    } else {
      LOG.debug("dropped {} (key {}): {}", message.label(), message.key(), why);
    }
    return false;
  }

  private void run() {
    try {
      while (accepting || !queue.isEmpty()) {
        Outgoing m = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (m == null) {
          continue;
        }
        if (abandoned) {
          counters.dropped.incrementAndGet();
        } else {
          send(m);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(Outgoing m) {
    try {
      Future<RecordMetadata> unused =
          producer.send(
              new ProducerRecord<>(topic, m.key(), m.value()),
              (metadata, error) -> {
                if (error == null) {
                  counters.published.incrementAndGet();
                } else {
                  failed(m, error);
                }
              });
    } catch (RuntimeException e) {
      // the producer refused it outright (closed, interrupted, misconfigured): no callback follows
      failed(m, e);
    }
  }

  private void failed(Outgoing m, Exception error) {
    long failed = counters.failed.incrementAndGet();
    if (sendWarning.due()) {
      LOG.warn(
          "could not publish {} to topic {} (key {}): {}; {} failed so far",
          m.label(),
          topic,
          m.key(),
          error.toString(),
          failed);
    } else {
      LOG.debug("could not publish {} (key {}): {}", m.label(), m.key(), error.toString());
    }
  }

  /**
   * Stops queuing, lets the sender hand what is queued to the producer, and closes the producer,
   * which waits for what it holds to be acknowledged; all of it within {@code timeout}. What is
   * still queued then is dropped, what the producer still holds fails.
   */
  void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    accepting = false;
    boolean interrupted = false;
    try {
      sender.join(Math.max(1, remainingMillis(deadline)));
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (sender.isAlive()) {
      abandoned = true;
      sender.interrupt();
      try {
        sender.join(POLL_MILLIS * 10);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    while (queue.poll() != null) {
      counters.dropped.incrementAndGet();
    }
    try {
      producer.close(Duration.ofMillis(interrupted ? 0 : remainingMillis(deadline)));
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long remainingMillis(long deadline) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }
}
