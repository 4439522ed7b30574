package io.clusterlifecycle.events.kafka;

/** One message on its way to the topic. Immutable; its value is never changed once made. */
final class Outgoing {
  private final String key;
  private final byte[] value;
  private final String label;

  /**
   * Makes a message.
   *
   * @param key the record key: the cluster id, or {@link KafkaEventPublisher#NO_CLUSTER_KEY}
   * @param value the JSON document, which the caller hands over
   * @param label what it is, for the log ("event 42", "status"); never its content
   */
  Outgoing(String key, byte[] value, String label) {
    this.key = key;
    this.value = value;
    this.label = label;
  }

  String key() {
    return key;
  }

  byte[] value() {
    return value;
  }

  String label() {
    return label;
  }
}
