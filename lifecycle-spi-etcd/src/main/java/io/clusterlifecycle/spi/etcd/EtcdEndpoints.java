package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The etcd members a store talks to, as written on a command line or in configuration: {@code
 * etcd://HOST:PORT[,HOST:PORT…][?max-txn-ops=N]} (plain text) or {@code etcds://…} (TLS), or the
 * members' client URLs {@code http://HOST:PORT,…} or {@code https://HOST:PORT,…}. TLS files and
 * credentials are given apart, as an {@link EtcdSecurity}, to {@link #connect(EtcdSecurity)} or a
 * store's builder, so that an address never holds a secret. {@code max-txn-ops} tells the stores
 * the servers' {@code --max-txn-ops} (etcd's default is 128), the most operations one transaction
 * may carry: a larger value lets bigger metadata publishes stay one transaction.
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
   * @throws IllegalArgumentException if {@code uris} is empty, mixes {@code http} and {@code
   *     https}, or {@code maxTxnOps} is below 8
   * @throws NullPointerException if {@code uris} or one of its elements is null
   */
  public EtcdEndpoints {
    uris = List.copyOf(uris);
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is needed");
    }
    if (uris.stream().map(u -> "https".equalsIgnoreCase(u.getScheme())).distinct().count() > 1) {
      throw new IllegalArgumentException(
          "the etcd endpoints mix http and https: " + uris + "; use one scheme for every member");
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
   * @param address {@code etcd://HOST:PORT[,HOST:PORT…][?max-txn-ops=N]}, {@code etcds://…} for
   *     TLS, or {@code http://HOST:PORT[,…]} or {@code https://HOST:PORT[,…]}
   * @return the endpoints
   * @throws ValidationException when the address is not of that form, saying what to write
   */
  public static EtcdEndpoints parse(String address) {
    String rest;
    String scheme;
    if (address.startsWith("etcd://")) {
      rest = address.substring("etcd://".length());
      scheme = "http://";
    } else if (address.startsWith("etcds://")) {
      rest = address.substring("etcds://".length());
      scheme = "https://";
    } else if (address.startsWith("http://")) {
      rest = address.replace("http://", "");
      scheme = "http://";
    } else if (address.startsWith("https://")) {
      rest = address.replace("https://", "");
      scheme = "https://";
    } else {
      throw invalid(address, "it must start with etcd://, etcds:// (TLS), http:// or https://");
    }
    if (rest.contains("@")) {
      throw invalid(
          address,
          "it must not hold a user or password; give them apart, as the store's credentials "
              + "(EtcdSecurity)");
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
      out.add(URI.create(scheme + hostPort));
    }
    return new EtcdEndpoints(out, maxTxnOps);
  }

  private static ValidationException invalid(String address, String why) {
    // a user:password@ written into the address stays out of the message
    String shown = address.replaceAll("(?<=//|,)[^,/?]*@", "***@");
    return new ValidationException(
        "etcd address '" + shown + "'",
        List.of(
            new ValidationProblem(
                ValidationProblem.ROOT,
                why + " (e.g. etcd://127.0.0.1:2379, etcd://h1:2379,h2:2379 or etcds://h1:2379)",
                0,
                0)));
  }

  /**
   * Whether the members are reached over TLS.
   *
   * @return true when the endpoints are {@code https://}
   */
  public boolean tls() {
    return "https".equalsIgnoreCase(uris.get(0).getScheme());
  }

  /**
   * Builds a jetcd client for these members without TLS files or credentials; the same as {@code
   * connect(EtcdSecurity.NONE)}.
   *
   * @return a new client; the caller closes it
   */
  public Client connect() {
    return connect(EtcdSecurity.NONE);
  }

  /**
   * Builds a jetcd client for these members with the settings the stores expect: calls fail fast
   * while no member is reachable (the stores turn that into a retriable {@link
   * io.clusterlifecycle.api.spi.TransientSpiException}) instead of waiting for one. Over {@code
   * https} the client verifies the servers' certificates (against {@link
   * EtcdSecurity#trustedCertificates()}, else the JVM's authorities) and their host names, and
   * presents the client certificate if one is set; with a user it authenticates as that user. The
   * client connects lazily: a refusal shows on the first call, as an {@link EtcdAccessException}
   * from the stores.
   *
   * @param security TLS files and credentials
   * @return a new client; the caller closes it
   * @throws IllegalArgumentException if {@code security} has TLS files but the endpoints are plain
   *     {@code http}
   * @throws EtcdAccessException with {@link EtcdAccessException.Reason#UNUSABLE_TLS_FILES} if the
   *     TLS files cannot be read as PEM certificates and a PKCS#8 key
   */
  public Client connect(EtcdSecurity security) {
    ClientBuilder b =
        Client.builder()
            .endpoints(uris.toArray(URI[]::new))
            .connectTimeout(Duration.ofSeconds(3))
            .waitForReady(false)
            .retryMaxAttempts(2)
            .retryDelay(100)
            .retryMaxDuration(Duration.ofSeconds(3))
            .keepaliveTime(Duration.ofSeconds(10))
            .keepaliveTimeout(Duration.ofSeconds(5))
            .maxInboundMessageSize(16 * 1024 * 1024);
    if (security.tls() && !tls()) {
      throw new IllegalArgumentException(
          "TLS files were given for etcd "
              + this
              + ", which is a plain-text address; write etcds://HOST:PORT (or https://) to use TLS");
    }
    if (tls()) {
      TlsFiles.configure(b, security);
    }
    Optional<String> user = security.user();
    if (user.isPresent()) {
      char[] password = security.password();
      ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      Arrays.fill(password, '\0');
      b.user(ByteSequence.from(user.get(), StandardCharsets.UTF_8))
          .password(ByteSequence.from(bytes));
      Arrays.fill(bytes, (byte) 0);
    }
    return b.build();
  }

  /**
   * Formats the endpoints for messages.
   *
   * @return {@code etcd://HOST:PORT,…}, or {@code etcds://HOST:PORT,…} over TLS
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(tls() ? "etcds://" : "etcd://");
    for (int i = 0; i < uris.size(); i++) {
      b.append(i == 0 ? "" : ",").append(uris.get(i).getAuthority());
    }
    return b.toString();
  }
}
