package io.clusterlifecycle.events.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The producer's configuration: the caller's extra properties over a few defaults, and the settings
 * at-least-once delivery in per-cluster order needs, which an extra property may repeat but not
 * weaken.
 */
final class ProducerSettings {
  /** Set by the publisher itself (the builder, the serializers), never by extra properties. */
  private static final List<String> OWN =
      List.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG);

  private ProducerSettings() {}

  /**
   * Makes the configuration.
   *
   * @param bootstrapServers the brokers to start from
   * @param clientId the client id unless the extra properties name one
   * @param extra the caller's properties
   * @return the configuration
   * @throws IllegalArgumentException if an extra property is one the publisher sets itself, or
   *     weakens delivery (acks other than all, idempotence off, more than 5 requests in flight, no
   *     retries)
   */
  static Map<String, Object> of(String bootstrapServers, String clientId, Map<String, ?> extra) {
    for (String key : OWN) {
      if (extra.containsKey(key)) {
        throw new IllegalArgumentException(
            "producer property " + key + " is set by the publisher and cannot be given");
      }
    }
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.putAll(extra);
    require(p, ProducerConfig.ACKS_CONFIG, "all", v -> v.equals("all") || v.equals("-1"));
    require(p, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", v -> v.equalsIgnoreCase("true"));
    // one request in flight by default: with more, a first batch that fails retriably (a partition
    // whose leader is just moving, or a topic just created) can be overtaken by the next batches,
    // which a broker that does not know the producer yet accepts, and its retry is then refused as
    // out of sequence until the delivery timeout
    require(p, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1", v -> between(v, 1, 5));
    require(
        p,
        ProducerConfig.RETRIES_CONFIG,
        String.valueOf(Integer.MAX_VALUE),
        v -> between(v, 1, Integer.MAX_VALUE));
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  private static void require(
      Map<String, Object> p, String key, String value, Predicate<String> acceptable) {
    Object given = p.get(key);
    if (given == null) {
      p.put(key, value);
    } else if (!acceptable.test(String.valueOf(given).trim())) {
      throw new IllegalArgumentException(
          "producer property "
              + key
              + "="
              + given
              + " would weaken at-least-once delivery in order; leave it out (default "
              + value
              + ")");
    }
  }

  private static boolean between(String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      return n >= min && n <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
