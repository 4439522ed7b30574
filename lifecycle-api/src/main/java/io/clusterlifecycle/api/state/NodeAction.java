package io.clusterlifecycle.api.state;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The actions on a role's nodes of the service orchestrator (docs/design.md §6.13), each with the
 * node states it applies to and the state it leaves. The engine carries out {@link #HOLD}, {@link
 * #RELEASE}, {@link #STOP}, {@link #REBOOT} and {@link #TERMINATE} (and their hard forms) through
 * {@link io.clusterlifecycle.api.spi.ResourceProvider#stop}, {@link
 * io.clusterlifecycle.api.spi.ResourceProvider#start} and {@link
 * io.clusterlifecycle.api.spi.ResourceProvider#delete}, which every provider has; the others are
 * asked of {@link io.clusterlifecycle.api.spi.ResourceProvider#act}, and only of a provider whose
 * {@link io.clusterlifecycle.api.spi.ResourceProvider#actions()} lists them.
 */
public enum NodeAction {
  /** Shuts the node down gracefully and deletes it from the cluster. */
  TERMINATE(false, null, NodeState.RUNNING, NodeState.STOPPED, NodeState.POWEROFF),
  /** Deletes the node from the cluster at once. */
  TERMINATE_HARD(false, null, NodeState.values()),
  /**
   * Shuts the instance down and frees its host, keeping its disks; {@link #RESUME} brings it back.
   */
  UNDEPLOY(true, NodeState.UNDEPLOYED, NodeState.RUNNING, NodeState.STOPPED, NodeState.POWEROFF),
  /** The same, killing the instance at once. */
  UNDEPLOY_HARD(
      true, NodeState.UNDEPLOYED, NodeState.RUNNING, NodeState.STOPPED, NodeState.POWEROFF),
  /** Takes the node out of service: no command runs on it until {@link #RELEASE}. */
  HOLD(false, NodeState.HOLD, NodeState.RUNNING),
  /** Puts a held node back in service. */
  RELEASE(false, NodeState.RUNNING, NodeState.HOLD),
  /** Stops the instance, keeping its volume and address. */
  STOP(false, NodeState.STOPPED, NodeState.RUNNING),
  /** Pauses the instance's processes, keeping their memory. */
  SUSPEND(true, NodeState.SUSPENDED, NodeState.RUNNING),
  /** Brings a suspended, powered-off, stopped or undeployed node back to running. */
  RESUME(
      true,
      NodeState.RUNNING,
      NodeState.SUSPENDED,
      NodeState.POWEROFF,
      NodeState.STOPPED,
      NodeState.UNDEPLOYED),
  /** Stops and starts the instance gracefully. */
  REBOOT(false, NodeState.RUNNING, NodeState.RUNNING),
  /** Stops and starts the instance at once. */
  REBOOT_HARD(false, NodeState.RUNNING, NodeState.RUNNING),
  /** Shuts the instance's processes down gracefully, keeping it on its host. */
  POWEROFF(true, NodeState.POWEROFF, NodeState.RUNNING),
  /** The same, killing them at once. */
  POWEROFF_HARD(true, NodeState.POWEROFF, NodeState.RUNNING, NodeState.SUSPENDED),
  /** Saves the instance's state and disks under a snapshot name. */
  SNAPSHOT_CREATE(true, null, NodeState.RUNNING, NodeState.POWEROFF, NodeState.STOPPED),
  /** Returns the instance to a snapshot; a running node is stopped for it and started again. */
  SNAPSHOT_REVERT(true, null, NodeState.RUNNING, NodeState.POWEROFF, NodeState.STOPPED),
  /** Deletes a snapshot. */
  SNAPSHOT_DELETE(true, null, NodeState.RUNNING, NodeState.POWEROFF, NodeState.STOPPED),
  /** Saves the node's data volume under a snapshot name. */
  DISK_SNAPSHOT_CREATE(true, null, NodeState.RUNNING, NodeState.POWEROFF, NodeState.STOPPED),
  /** Returns the data volume to a snapshot; a running node is stopped for it and started again. */
  DISK_SNAPSHOT_REVERT(true, null, NodeState.RUNNING, NodeState.POWEROFF, NodeState.STOPPED),
  /** Deletes a volume snapshot. */
  DISK_SNAPSHOT_DELETE(true, null, NodeState.RUNNING, NodeState.POWEROFF, NodeState.STOPPED);

  private final boolean provider;
  private final NodeState leaves;
  private final Set<NodeState> from;

  NodeAction(boolean provider, NodeState leaves, NodeState... from) {
    this.provider = provider;
    this.leaves = leaves;
    this.from = Set.copyOf(EnumSet.of(from[0], from));
  }

  /**
   * Tells whether the provider must carry this action out through {@link
   * io.clusterlifecycle.api.spi.ResourceProvider#act}.
   *
   * @return true for a provider action; false for one the engine carries out through the methods
   *     every provider has
   */
  public boolean byProvider() {
    return provider;
  }

  /**
   * The actions a provider carries out through {@code ResourceProvider.act}: those for which {@link
   * #byProvider()} is true.
   *
   * @return an unmodifiable set
   */
  public static Set<NodeAction> providerActions() {
    Set<NodeAction> all = EnumSet.noneOf(NodeAction.class);
    for (NodeAction a : values()) {
      if (a.provider) {
        all.add(a);
      }
    }
    return java.util.Collections.unmodifiableSet(all);
  }

  /**
   * The state a node is in after the action.
   *
   * @return the state, or empty when the node keeps its state (snapshots) or leaves the cluster
   *     (terminate)
   */
  public Optional<NodeState> leaves() {
    return Optional.ofNullable(leaves);
  }

  /**
   * The node states the action applies to.
   *
   * @return the states
   */
  public Set<NodeState> appliesTo() {
    return from;
  }

  /**
   * Tells whether the action works on a named snapshot.
   *
   * @return true for the snapshot actions
   */
  public boolean needsSnapshot() {
    return name().contains("SNAPSHOT");
  }

  /**
   * The name users type: lower case with dashes, such as {@code poweroff-hard}.
   *
   * @return the label
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Looks an action up by its label or name, in any case.
   *
   * @param text such as {@code poweroff-hard}
   * @return the action
   * @throws IllegalArgumentException naming the known actions if none has that name
   */
  public static NodeAction parse(String text) {
    String key = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (NodeAction a : values()) {
      if (a.name().equals(key)) {
        return a;
      }
    }
    StringBuilder known = new StringBuilder();
    for (NodeAction a : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(a.label());
    }
    throw new IllegalArgumentException("unknown action '" + text + "': use one of " + known);
  }
}
