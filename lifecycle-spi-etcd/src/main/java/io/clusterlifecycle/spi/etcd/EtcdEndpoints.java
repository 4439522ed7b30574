package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The etcd members a store talks to, as written on a command line or in configuration: {@code
 * etcd://HOST:PORT[,HOST:PORT…][?max-txn-ops=N]} (plain HTTP; TLS is not supported yet), or the
 * members' client URLs {@code http://HOST:PORT,…}. {@code max-txn-ops} tells the stores the
 * servers' {@code --max-txn-ops} (etcd's default is 128), the most operations one transaction may
 * carry: a larger value lets bigger metadata publishes stay one transaction.
 *
 * @param uris the members' client URLs
 * @param maxTxnOps the servers' {@code --max-txn-ops}
 */
public record EtcdEndpoints(List<URI> uris, int maxTxnOps) {

  /**
   * Checks the members and copies the list.
   *
   * @param uris the members' client URLs; at least one
   * @param maxTxnOps the servers' {@code --max-txn-ops}; at least 8
   * @throws IllegalArgumentException if {@code uris} is empty or {@code maxTxnOps} is below 8
   * @throws NullPointerException if {@code uris} or one of its elements is null
   */
  public EtcdEndpoints {
    uris = List.copyOf(uris);
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is needed");
    }
    if (maxTxnOps < 8) {
      throw new IllegalArgumentException("maxTxnOps must be at least 8, was " + maxTxnOps);
    }
  }

  /**
   * Members whose servers keep etcd's default {@code --max-txn-ops} of 128.
   *
   * @param uris the members' client URLs; at least one
   */
  public EtcdEndpoints(List<URI> uris) {
    this(uris, EtcdMetadataStore.DEFAULT_MAX_TXN_OPS);
  }

  /**
   * Parses an address.
   *
   * @param address {@code etcd://HOST:PORT[,HOST:PORT…][?max-txn-ops=N]} or {@code
   *     http://HOST:PORT[,…]}
   * @return the endpoints
   * @throws ValidationException when the address is not of that form, saying what to write
   */
  public static EtcdEndpoints parse(String address) {
    String rest;
    if (address.startsWith("etcd://")) {
      rest = address.substring("etcd://".length());
    } else if (address.startsWith("http://")) {
      rest = address.replace("http://", "");
    } else {
      throw invalid(address, "it must start with etcd:// or http://");
    }
    int maxTxnOps = EtcdMetadataStore.DEFAULT_MAX_TXN_OPS;
    int query = rest.indexOf('?');
    if (query >= 0) {
      String param = rest.substring(query + 1);
      rest = rest.substring(0, query);
      if (!param.startsWith("max-txn-ops=")) {
        throw invalid(address, "the only option is max-txn-ops=N, not '" + param + "'");
      }
      try {
        maxTxnOps = Integer.parseInt(param.substring("max-txn-ops=".length()));
      } catch (NumberFormatException e) {
        maxTxnOps = -1;
      }
      if (maxTxnOps < 8) {
        throw invalid(address, "max-txn-ops must be a whole number of at least 8");
      }
    }
    List<URI> out = new ArrayList<>();
    for (String member : rest.split(",")) {
      String hostPort = member.endsWith("/") ? member.substring(0, member.length() - 1) : member;
      int colon = hostPort.lastIndexOf(':');
      if (hostPort.isEmpty()
          || colon <= 0
          || colon == hostPort.length() - 1
          || hostPort.contains("/")) {
        throw invalid(address, "each member must be HOST:PORT, not '" + member + "'");
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw invalid(address, "the port of '" + member + "' is not a number");
      }
      if (port < 1 || port > 65535) {
        throw invalid(address, "the port of '" + member + "' is out of range");
      }
      out.add(URI.create("http://" + hostPort));
    }
    return new EtcdEndpoints(out, maxTxnOps);
  }

  private static ValidationException invalid(String address, String why) {
    return new ValidationException(
        "etcd address '" + address + "'",
        List.of(
            new ValidationProblem(
                ValidationProblem.ROOT,
                why + " (e.g. etcd://127.0.0.1:2379 or etcd://h1:2379,h2:2379)",
                0,
                0)));
  }

  /**
   * Builds a jetcd client for these members with the settings the stores expect: calls fail fast
   * while no member is reachable (the stores turn that into a retriable {@link
   * io.clusterlifecycle.api.spi.TransientSpiException}) instead of waiting for one.
   *
   * @return a new client; the caller closes it
   */
  public Client connect() {
    return Client.builder()
        .endpoints(uris.toArray(URI[]::new))
        .connectTimeout(Duration.ofSeconds(3))
        .waitForReady(false)
        .retryMaxAttempts(2)
        .retryDelay(100)
        .retryMaxDuration(Duration.ofSeconds(3))
        .keepaliveTime(Duration.ofSeconds(10))
        .keepaliveTimeout(Duration.ofSeconds(5))
        .maxInboundMessageSize(16 * 1024 * 1024)
        .build();
  }

  /**
   * Formats the endpoints for messages.
   *
   * @return {@code etcd://HOST:PORT,…}
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("etcd://");
    for (int i = 0; i < uris.size(); i++) {
      b.append(i == 0 ? "" : ",").append(uris.get(i).getAuthority());
    }
    return b.toString();
  }
}
