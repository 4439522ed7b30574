package io.clusterlifecycle.spi.etcd;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings both etcd stores share: where etcd is, how the store proves who it is (TLS and
 * credentials), the servers' transaction limit, and how long a call may take.
 *
 * @param <B> the concrete builder
 */
abstract class EtcdStoreBuilder<B extends EtcdStoreBuilder<B>> {
  Client client;
  EtcdEndpoints endpoints;
  EtcdSecurity security;
  int maxTxnOps = EtcdMetadataStore.DEFAULT_MAX_TXN_OPS;
  Duration requestTimeout = Duration.ofSeconds(10);

  abstract B self();

  /**
   * Connects to these members; the store opens its own client and closes it on close. Also sets
   * {@link #maxTxnOps(int)} to theirs.
   *
   * @param value the members
   * @return this builder
   */
  public B endpoints(EtcdEndpoints value) {
    this.endpoints = Objects.requireNonNull(value, "endpoints");
    this.maxTxnOps = value.maxTxnOps();
    return self();
  }

  /**
   * Connects with TLS and credentials (docs/design.md §9.8); only with {@link
   * #endpoints(EtcdEndpoints)}. With {@link #client(Client)}, give the security to {@link
   * EtcdEndpoints#connect(EtcdSecurity)} instead, and here too so that refusals name its files and
   * user.
   *
   * @param value the TLS files and credentials; default {@link EtcdSecurity#NONE}
   * @return this builder
   * @throws NullPointerException if {@code value} is null
   */
  public B security(EtcdSecurity value) {
    this.security = Objects.requireNonNull(value, "security");
    return self();
  }

  /**
   * Uses a client the caller owns (and closes) instead of opening one.
   *
   * @param value the client
   * @return this builder
   */
  public B client(Client value) {
    this.client = Objects.requireNonNull(value, "client");
    return self();
  }

  /**
   * Sets the most operations one transaction carries; match etcd's {@code --max-txn-ops}.
   *
   * @param value at least 8; default 128
   * @return this builder
   */
  public B maxTxnOps(int value) {
    if (value < 8) {
      throw new IllegalArgumentException("maxTxnOps must be at least 8, was " + value);
    }
    this.maxTxnOps = value;
    return self();
  }

  /**
   * Bounds each call; one without an answer by then fails as transient.
   *
   * @param value a positive duration; default 10 seconds
   * @return this builder
   */
  public B requestTimeout(Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, was " + value);
    }
    this.requestTimeout = value;
    return self();
  }

  /** Fails unless endpoints or a client were given. */
  void checkTarget() {
    if (client == null && endpoints == null) {
      throw new IllegalStateException("set endpoints(...) or client(...)");
    }
  }

  /** Whether the store opens, and so closes, its client. */
  boolean ownsClient() {
    return client == null;
  }

  /** The given client, or a new one on the endpoints. */
  Client clientOrConnect() {
    return client != null
        ? client
        : endpoints.connect(security == null ? EtcdSecurity.NONE : security);
  }

  /** Explains refusals for a store whose keys are under {@code prefix}. */
  AccessErrors accessErrors(String prefix) {
    return new AccessErrors(
        where(), prefix, security != null || client == null ? securityOrNone() : null);
  }

  private EtcdSecurity securityOrNone() {
    return security == null ? EtcdSecurity.NONE : security;
  }

  /** Where the store is, for messages. */
  String where() {
    return endpoints == null ? "client" : endpoints.toString();
  }
}
