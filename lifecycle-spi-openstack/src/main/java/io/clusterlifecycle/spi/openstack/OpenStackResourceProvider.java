package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link ResourceProvider} on OpenStack (docs/openstack.md): a node is a Nova server named by its
 * node id, with the node's tags (cluster, role and node ids among them) in its metadata; a volume
 * is a Cinder volume {@code <node id>-data} attached to it; on a cloud with a network, a Neutron
 * port on that network in a security group per cluster, and optionally a floating IP.
 *
 * <p>Every method is asynchronous (HTTP calls with {@code java.net.http}'s async client, waits by
 * polling on a scheduler) and idempotent by node id. A 429, a 5xx or a lost connection completes
 * the stage with {@link io.clusterlifecycle.api.spi.TransientSpiException}; a quota (403), a
 * conflict (409) and other refusals with {@link OpenStackApiException}, carrying the API's message;
 * a server in {@code ERROR} with {@link ServerFaultException}; a wait past its timeout with {@link
 * io.clusterlifecycle.api.error.LifecycleTimeoutException}. Thread-safe. Creates of one node racing
 * in this provider share one creation; two providers (two engines) creating the same node at once
 * are not guarded against: the engine's lease keeps that from happening.
 */
public final class OpenStackResourceProvider implements ResourceProvider {
  private final Lookup lookup;
  private final Creation creation;
  private final Actions actions;
  private final Deletion deletion;
  private final ScheduledExecutorService ownedScheduler;
  private final Map<NodeRef, CompletableFuture<NodeResource>> creating = new ConcurrentHashMap<>();

  private OpenStackResourceProvider(Builder b) {
    this.ownedScheduler =
        b.scheduler == null
            ? Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "openstack-poller");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    ScheduledExecutorService scheduler = b.scheduler != null ? b.scheduler : ownedScheduler;
    Http http =
        new Http(b.httpClient != null ? b.httpClient : Http.defaultClient(), b.requestTimeout);
    Api api = new Api(new Keystone(b.credentials, http, b.clock), http);
    Settings settings =
        new Settings(
            Optional.ofNullable(b.network),
            Optional.ofNullable(b.floatingNetwork),
            b.rules,
            b.flavors,
            Optional.ofNullable(b.defaultImage),
            Optional.ofNullable(b.keyName),
            b.buildTimeout,
            b.actionTimeout);
    Clients c =
        new Clients(
            new Nova(api),
            new Cinder(api),
            new Glance(api),
            new Neutron(api),
            new Poller(scheduler, b.clock, b.pollInterval, b.maxPollInterval),
            settings);
    Waits waits = new Waits(c);
    this.lookup = new Lookup(c);
    this.creation = new Creation(c, lookup, waits);
    this.actions = new Actions(c, lookup, waits);
    this.deletion = new Deletion(c, lookup, waits, creation);
  }

  /**
   * Starts a builder.
   *
   * @param credentials how to authenticate
   * @return a new builder
   */
  public static Builder builder(OpenStackCredentials credentials) {
    return new Builder(credentials);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Finds the server by name and cluster metadata first; otherwise creates the security group,
   * port and floating IP (with a network), the volume and the server, polls it until {@code ACTIVE}
   * (failing on {@code ERROR} with Nova's fault message), and attaches the volume.
   */
  @Override
  public CompletionStage<NodeResource> create(NodeSpec node) {
    Objects.requireNonNull(node, "node");
    CompletableFuture<NodeResource> mine = new CompletableFuture<>();
    CompletableFuture<NodeResource> running = creating.putIfAbsent(node.ref(), mine);
    if (running != null) {
      return running.thenApply(r -> r);
    }
    creation
        .create(node)
        .whenComplete(
            (r, e) -> {
              creating.remove(node.ref(), mine);
              if (e != null) {
                mine.completeExceptionally(Failures.unwrap(e));
              } else {
                mine.complete(r);
              }
            });
    return mine.thenApply(r -> r);
  }

  @Override
  public CompletionStage<Optional<NodeResource>> find(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return Failures.unwrapped(lookup.find(node));
  }

  @Override
  public CompletionStage<List<NodeResource>> list(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return Failures.unwrapped(lookup.list(clusterId));
  }

  /** {@inheritDoc} Sends {@code os-start} unless the server is {@code ACTIVE} already. */
  @Override
  public CompletionStage<NodeResource> start(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return Failures.unwrapped(actions.start(node));
  }

  /** {@inheritDoc} Sends {@code os-stop} unless the server is {@code SHUTOFF} already. */
  @Override
  public CompletionStage<NodeResource> stop(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return Failures.unwrapped(actions.stop(node));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Resizes the server to the role's flavor or the smallest that fits and confirms the resize;
   * extends the volume (online, volume API 3.42) when it is smaller than {@code volumeSize}. A
   * volume is never shrunk.
   */
  @Override
  public CompletionStage<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    Objects.requireNonNull(node, "node");
    return Failures.unwrapped(actions.resize(node, cpu, memory, volumeSize));
  }

  /** {@inheritDoc} Rebuilds the server with the image; the volume stays attached. */
  @Override
  public CompletionStage<NodeResource> replaceImage(NodeRef node, String image) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(image, "image");
    return Failures.unwrapped(actions.replaceImage(node, image));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Removes the server, floating IP, port and (unless kept) volume, and the cluster's security
   * group with its last node.
   */
  @Override
  public CompletionStage<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    Objects.requireNonNull(node, "node");
    return Failures.unwrapped(deletion.delete(node, keepVolume));
  }

  /** Stops the poller thread this provider made (none when the caller gave a scheduler). */
  @Override
  public void close() {
    if (ownedScheduler != null) {
      ownedScheduler.shutdownNow();
    }
  }

  /** Builds an {@link OpenStackResourceProvider}; not thread-safe. */
  public static final class Builder {
    /** How long a server may take to become ACTIVE by default: 10 minutes. */
    public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(10);

    /** How long other waits may take by default: 10 minutes. */
    public static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofMinutes(10);

    /** The first poll delay by default: 500 ms, doubling up to {@link #DEFAULT_MAX_POLL}. */
    public static final Duration DEFAULT_POLL = Duration.ofMillis(500);

    /** The longest poll delay by default: 5 s. */
    public static final Duration DEFAULT_MAX_POLL = Duration.ofSeconds(5);

    /** How long one HTTP request may take by default: 60 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final OpenStackCredentials credentials;
    private String network;
    private String floatingNetwork;
    private final List<SecurityRule> rules = new ArrayList<>();
    private final Map<String, String> flavors = new LinkedHashMap<>();
    private String defaultImage;
    private String keyName;
    private Duration buildTimeout = DEFAULT_BUILD_TIMEOUT;
    private Duration actionTimeout = DEFAULT_ACTION_TIMEOUT;
    private Duration pollInterval = DEFAULT_POLL;
    private Duration maxPollInterval = DEFAULT_MAX_POLL;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private ScheduledExecutorService scheduler;
    private HttpClient httpClient;
    private Clock clock = Clock.systemUTC();

    private Builder(OpenStackCredentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /**
     * Puts every node on a network (name or id): a port each, in the cluster's security group. Not
     * set (the default): {@code network: none}, servers boot without a network.
     *
     * @param nameOrId the network
     * @return this builder
     */
    public Builder network(String nameOrId) {
      this.network = Objects.requireNonNull(nameOrId, "network");
      return this;
    }

    /**
     * Gives every node a floating IP from this external network, reported as its address. Needs
     * {@link #network}.
     *
     * @param nameOrId the external network
     * @return this builder
     */
    public Builder floatingIpNetwork(String nameOrId) {
      this.floatingNetwork = Objects.requireNonNull(nameOrId, "floatingIpNetwork");
      return this;
    }

    /**
     * Adds an ingress rule to every cluster's security group (members always reach each other).
     *
     * @param rule the rule
     * @return this builder
     */
    public Builder addSecurityRule(SecurityRule rule) {
      rules.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /**
     * Uses a flavor, by name or id, for a role instead of the smallest that fits.
     *
     * @param role the role
     * @param flavor the flavor
     * @return this builder
     */
    public Builder flavor(String role, String flavor) {
      flavors.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(flavor, "flavor"));
      return this;
    }

    /**
     * Sets the image (Glance name or id) of nodes whose spec names none.
     *
     * @param nameOrId the image
     * @return this builder
     */
    public Builder defaultImage(String nameOrId) {
      this.defaultImage = Objects.requireNonNull(nameOrId, "defaultImage");
      return this;
    }

    /**
     * Injects a Nova key pair into every server (for the SSH executor).
     *
     * @param name the key pair's name
     * @return this builder
     */
    public Builder keyName(String name) {
      this.keyName = Objects.requireNonNull(name, "keyName");
      return this;
    }

    /**
     * Sets how long a server may take to become ACTIVE; {@link #DEFAULT_BUILD_TIMEOUT} if not set.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder buildTimeout(Duration value) {
      this.buildTimeout = positive(value, "buildTimeout");
      return this;
    }

    /**
     * Sets how long stop, start, resize, rebuild, attach, extend and delete may take; {@link
     * #DEFAULT_ACTION_TIMEOUT} if not set.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder actionTimeout(Duration value) {
      this.actionTimeout = positive(value, "actionTimeout");
      return this;
    }

    /**
     * Sets the first and the longest delay between polls.
     *
     * @param first the first delay, doubled after each poll
     * @param max the longest delay
     * @return this builder
     */
    public Builder pollInterval(Duration first, Duration max) {
      this.pollInterval = positive(first, "first");
      this.maxPollInterval = positive(max, "max");
      return this;
    }

    /**
     * Sets how long one HTTP request may take; {@link #DEFAULT_REQUEST_TIMEOUT} if not set.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = positive(value, "requestTimeout");
      return this;
    }

    /**
     * Polls on this scheduler, which the caller owns; otherwise the provider makes a one-thread
     * scheduler and stops it on close.
     *
     * @param value the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Sends requests with this client (HTTP/1.1 advised); otherwise the provider makes one.
     *
     * @param value the client
     * @return this builder
     */
    public Builder httpClient(HttpClient value) {
      this.httpClient = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /**
     * Reads time (token expiry, poll deadlines) from this clock; the system UTC clock if not set.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Builds the provider; it authenticates on its first call.
     *
     * @return the provider
     * @throws IllegalStateException if a floating IP network is set without a network, or the
     *     longest poll delay is shorter than the first
     */
    public OpenStackResourceProvider build() {
      if (floatingNetwork != null && network == null) {
        throw new IllegalStateException("floatingIpNetwork needs a network");
      }
      if (maxPollInterval.compareTo(pollInterval) < 0) {
        throw new IllegalStateException("the longest poll delay is shorter than the first");
      }
      return new OpenStackResourceProvider(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, not " + d);
      }
      return d;
    }
  }
}
