package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ResourceProvider} over machines that already exist: each node is placed on a free host
 * of an {@link Inventory} (docs/ssh.md). Nothing is booted, resized or reimaged; the provider keeps
 * track of which host each node holds and prepares the node's directories on it over SSH.
 *
 * <p>What each operation does:
 *
 * <ul>
 *   <li>{@link #create}: when the node already holds a host, completes with it (idempotent by node
 *       id). Otherwise claims the first free host, in inventory order, whose {@code role} label is
 *       absent or the node's role, and records the claim in the claims file before anything is done
 *       on the host; then runs, through the command executor, a fixed script that creates the
 *       node's directory {@code <directory>/nodes/<node-id>} and, for a node with a volume, the
 *       volume directory {@code <directory>/volumes/<node-id>} with a symbolic link {@code volume}
 *       to it in the node's directory. Fails with {@link LifecycleException} when no host is free.
 *       The resource's instance id is the host's name, its address the host's address, its cpu,
 *       memory, volume size, image and tags those of the spec (the host is not checked against
 *       them), its volume id {@code <host-name>:<volume directory>}.
 *   <li>{@link #stop}, {@link #start}: bookkeeping only: they flip {@code running} in the claim;
 *       the host is not powered off or on (the engine's stop and start services run on it).
 *   <li>{@link #resize}: bookkeeping only: records cpu, memory and (for a node with a volume) the
 *       volume size; the host and the directory do not change.
 *   <li>{@link #replaceImage}: bookkeeping only: records the image; the host is not reinstalled.
 *   <li>{@link #delete}: runs a fixed script that removes the node's directory and, unless kept,
 *       its volume directory, then releases the host. With {@code keepVolume}, completes with the
 *       volume id of the directory left in place.
 *   <li>{@link #find}, {@link #list}: read the claims file; {@link #list} reports every node the
 *       file holds for the cluster, in node id order.
 * </ul>
 *
 * <p>The claims live in a JSON file (by default beside the inventory, {@code
 * <inventory>.claims.json}) that every change rewrites atomically under a file lock, so several
 * engines may share it. Claims-file work runs on one thread of the provider's own, SSH work on the
 * command executor's. {@link #start}, {@link #stop}, {@link #resize} and {@link #replaceImage} of a
 * node that holds no host fail with {@link NotFoundException}. Thread-safe.
 */
public final class StaticInventoryProvider implements ResourceProvider {
  /** How long the directory scripts may run on a host. */
  static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

  private static final Logger LOG = LoggerFactory.getLogger(StaticInventoryProvider.class);
  private static final String CREATE_SCRIPT =
      "set -e\n"
          + "node=$PWD\n"
          + "cd\n"
          + "if [ -n \"$INVENTORY_VOLUME_DIR\" ]; then\n"
          + "  mkdir -p -- \"$INVENTORY_VOLUME_DIR\"\n"
          + "  volume=$(cd -- \"$INVENTORY_VOLUME_DIR\" && pwd)\n"
          + "  ln -sfn -- \"$volume\" \"$node/volume\"\n"
          + "fi\n";
  private static final String DELETE_SCRIPT =
      "set -e\n"
          + "node=$PWD\n"
          + "cd\n"
          + "if [ -n \"$INVENTORY_VOLUME_DIR\" ]; then rm -rf -- \"$INVENTORY_VOLUME_DIR\"; fi\n"
          + "rm -rf -- \"$node\"\n";

  private final Inventory inventory;
  private final CommandExecutor commands;
  private final Claims claims;
  private final ExecutorService serial;

  private StaticInventoryProvider(Builder b) {
    this.inventory = b.inventory;
    this.commands = b.commands;
    this.claims = new Claims(b.claimsFile);
    this.serial =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lifecycle-ssh-inventory");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts configuring a provider.
   *
   * @param inventory the hosts
   * @param commands runs the directory scripts on the hosts: an {@link SshCommandExecutor} whose
   *     targets are {@link Inventory#targets()}; the provider does not close it
   * @return a builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(Inventory inventory, CommandExecutor commands) {
    return new Builder(inventory, commands);
  }

  /**
   * The inventory's hosts.
   *
   * @return the hosts this provider places nodes on
   */
  public Inventory inventory() {
    return inventory;
  }

  /**
   * The targets to give the command executor: a node runs on the host it holds.
   *
   * @return {@link Inventory#targets()}
   */
  public SshTargets targets() {
    return inventory.targets();
  }

  /**
   * {@inheritDoc}
   *
   * @return the number of hosts in the inventory
   */
  @Override
  public OptionalInt maxNodes() {
    return OptionalInt.of(inventory.hosts().size());
  }

  @Override
  public CompletableFuture<NodeResource> create(NodeSpec node) {
    Objects.requireNonNull(node, "node");
    return onSerial(() -> claims.update(s -> claim(s, node)))
        .thenCompose(
            claim -> {
              NodeResource r = resource(claim);
              Map<String, String> env = new LinkedHashMap<>();
              env.put("INVENTORY_VOLUME_DIR", claim.volumeSize() > 0 ? volumeDirectory(claim) : "");
              return script(r, "create", CREATE_SCRIPT, env).thenApply(v -> r);
            });
  }

  private Claims.Claim claim(Claims.State s, NodeSpec node) {
    Optional<Claims.Claim> held = held(s, node.ref());
    if (held.isPresent()) {
      return held.get();
    }
    for (InventoryHost h : inventory.hosts()) {
      if (!s.claims().containsKey(h.name()) && h.accepts(node.role())) {
        Claims.Claim c =
            new Claims.Claim(
                h.name(),
                node.ref().clusterId(),
                node.ref().nodeId(),
                node.role(),
                node.cpu(),
                node.memory(),
                node.volumeSize(),
                node.image().orElse(null),
                true,
                node.tags());
        s.claims().put(h.name(), c);
        LOG.debug("node {} claims host {}", node.ref().nodeId(), h.name());
        return c;
      }
    }
    throw new LifecycleException(
        "no free host for node "
            + node.ref().nodeId()
            + " (role "
            + node.role()
            + ") in the inventory "
            + inventory.source()
            + ": its "
            + inventory.hosts().size()
            + " hosts are all held or labelled for other roles; add hosts to the inventory");
  }

  @Override
  public CompletableFuture<Optional<NodeResource>> find(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return onSerial(() -> held(claims.read(), node).map(this::resource));
  }

  @Override
  public CompletableFuture<List<NodeResource>> list(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return onSerial(
        () ->
            claims.read().claims().values().stream()
                .filter(c -> c.clusterId().equals(clusterId))
                .sorted(Comparator.comparing(Claims.Claim::nodeId))
                .map(this::resource)
                .toList());
  }

  @Override
  public CompletableFuture<NodeResource> start(NodeRef node) {
    return change(
        node, "start", c -> with(c, c.cpu(), c.memory(), c.volumeSize(), c.image(), true));
  }

  @Override
  public CompletableFuture<NodeResource> stop(NodeRef node) {
    return change(
        node, "stop", c -> with(c, c.cpu(), c.memory(), c.volumeSize(), c.image(), false));
  }

  @Override
  public CompletableFuture<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    return change(
        node,
        "resize",
        c -> with(c, cpu, memory, c.volumeSize() > 0 ? volumeSize : 0, c.image(), c.running()));
  }

  @Override
  public CompletableFuture<NodeResource> replaceImage(NodeRef node, String image) {
    Objects.requireNonNull(image, "image");
    return change(
        node,
        "replaceImage",
        c ->
            with(
                c,
                c.cpu(),
                c.memory(),
                c.volumeSize(),
                image.isEmpty() ? null : image,
                c.running()));
  }

  @Override
  public CompletableFuture<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    Objects.requireNonNull(node, "node");
    return onSerial(() -> held(claims.read(), node))
        .thenCompose(
            held -> {
              if (held.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<String>empty());
              }
              Claims.Claim c = held.get();
              boolean keep = keepVolume && c.volumeSize() > 0;
              Map<String, String> env = new LinkedHashMap<>();
              env.put(
                  "INVENTORY_VOLUME_DIR", c.volumeSize() > 0 && !keep ? volumeDirectory(c) : "");
              return script(resource(c), "delete", DELETE_SCRIPT, env)
                  .thenCompose(
                      v ->
                          onSerial(
                              () ->
                                  claims.update(
                                      s -> {
                                        held(s, node).ifPresent(h -> s.claims().remove(h.host()));
                                        return null;
                                      })))
                  .thenApply(v -> keep ? Optional.of(volumeId(c)) : Optional.<String>empty());
            });
  }

  private CompletableFuture<NodeResource> change(
      NodeRef node, String what, Function<Claims.Claim, Claims.Claim> change) {
    Objects.requireNonNull(node, "node");
    return onSerial(
        () ->
            claims.update(
                s -> {
                  Claims.Claim c =
                      held(s, node)
                          .orElseThrow(
                              () ->
                                  new NotFoundException(
                                      "cannot "
                                          + what
                                          + " node "
                                          + node.nodeId()
                                          + " of cluster "
                                          + node.clusterId()
                                          + ": it holds no host of the inventory"));
                  Claims.Claim changed = change.apply(c);
                  s.claims().put(c.host(), changed);
                  return resource(changed);
                }));
  }

  private static Claims.Claim with(
      Claims.Claim c, int cpu, int memory, int volumeSize, String image, boolean running) {
    return new Claims.Claim(
        c.host(),
        c.clusterId(),
        c.nodeId(),
        c.role(),
        cpu,
        memory,
        volumeSize,
        image,
        running,
        c.tags());
  }

  private static Optional<Claims.Claim> held(Claims.State s, NodeRef ref) {
    return s.claims().values().stream()
        .filter(c -> c.clusterId().equals(ref.clusterId()) && c.nodeId().equals(ref.nodeId()))
        .findFirst();
  }

  private NodeResource resource(Claims.Claim c) {
    InventoryHost h = host(c);
    return NodeResource.builder()
        .ref(new NodeRef(c.clusterId(), c.nodeId()))
        .role(c.role())
        .instanceId(h.name())
        .address(h.address())
        .cpu(c.cpu())
        .memory(c.memory())
        .volumeSize(c.volumeSize())
        .volumeId(c.volumeSize() > 0 ? volumeId(c) : null)
        .image(c.image())
        .running(c.running())
        .tags(c.tags() == null ? Map.of() : c.tags())
        .build();
  }

  private InventoryHost host(Claims.Claim c) {
    return inventory
        .host(c.host())
        .orElseThrow(
            () ->
                new LifecycleException(
                    "node "
                        + c.nodeId()
                        + " holds host "
                        + c.host()
                        + ", which the inventory "
                        + inventory.source()
                        + " no longer lists; put it back, or remove the claim from "
                        + claims.file()));
  }

  private String volumeDirectory(Claims.Claim c) {
    return host(c).volumeDirectory(c.nodeId());
  }

  private String volumeId(Claims.Claim c) {
    return c.host() + ":" + volumeDirectory(c);
  }

  /** Runs a directory script on the node's host; a non-zero exit fails with its error output. */
  private CompletableFuture<Void> script(
      NodeResource node, String what, String script, Map<String, String> env) {
    CommandRequest request =
        CommandRequest.builder()
            .node(node)
            .service("inventory-" + what)
            .script(script)
            .environment(env)
            .timeout(SCRIPT_TIMEOUT)
            .build();
    return commands
        .run(request)
        .toCompletableFuture()
        .thenAccept(
            (CommandResult r) -> {
              if (!r.succeeded()) {
                throw new LifecycleException(
                    "cannot "
                        + what
                        + " the directories of node "
                        + node.ref().nodeId()
                        + " on host "
                        + node.instanceId()
                        + ": exit "
                        + r.exitCode()
                        + (r.timedOut() ? " (timed out)" : "")
                        + ": "
                        + r.stderrTail().strip());
              }
            });
  }

  private <T> CompletableFuture<T> onSerial(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, serial);
  }

  /** Stops the provider's thread; idempotent. Does not close the command executor. */
  @Override
  public void close() {
    serial.shutdown();
  }

  /** Configures a {@link StaticInventoryProvider}; not thread-safe. */
  public static final class Builder {
    private final Inventory inventory;
    private final CommandExecutor commands;
    private Path claimsFile;

    private Builder(Inventory inventory, CommandExecutor commands) {
      this.inventory = Objects.requireNonNull(inventory, "inventory");
      this.commands = Objects.requireNonNull(commands, "commands");
      this.claimsFile =
          inventory.source().resolveSibling(inventory.source().getFileName() + ".claims.json");
    }

    /**
     * Sets the claims file; the default is {@code <inventory file>.claims.json} beside the
     * inventory. Engines that share hosts must share this file.
     *
     * @param value the file; its directory is created when missing
     * @return this builder
     */
    public Builder claimsFile(Path value) {
      this.claimsFile = Objects.requireNonNull(value, "claimsFile");
      return this;
    }

    /**
     * Builds the provider.
     *
     * @return the provider; close it
     */
    public StaticInventoryProvider build() {
      return new StaticInventoryProvider(this);
    }
  }
}
