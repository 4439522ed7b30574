package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Move a cluster to another version of the same app (docs/design.md §6.6): per role's {@code
 * upgrading_policy}, {@code stop}, a new image, reload, then {@code start} and {@code upgrade}. A
 * stopped cluster gets its new images and stays stopped. Roles keep the cpu, memory and volume size
 * they have now (sizes change only by {@link ScaleVertical}); a rollback keeps them too.
 *
 * @param cluster the cluster's id or name
 * @param spec the app spec of the new version: the same app name and roles, another version
 * @param autoRollback roll back at once when the upgrade fails
 * @param timeout the operation's timeout, or empty for the engine's default
 * @param changes settings merged into the cluster's as it moves (docs/design.md §15): labels,
 *     dependencies, config values and parameters it has are reused unless the change names them
 */
public record Upgrade(
    String cluster,
    AppSpec spec,
    boolean autoRollback,
    Optional<Duration> timeout,
    SettingsChange changes)
    implements ClusterRequest {

  /**
   * Checks the fields.
   *
   * @param cluster the cluster's id or name
   * @param spec the app spec of the new version: the same app name and roles, another version
   * @param autoRollback roll back at once when the upgrade fails
   * @param timeout the timeout, if any
   * @param changes settings to merge; null reads as none
   */
  public Upgrade {
    changes = changes == null ? SettingsChange.NONE : changes;
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Creates a request with the default timeout.
   *
   * @param cluster the cluster's id or name
   * @param spec the app spec of the new version: the same app name and roles, another version
   * @return the request
   */
  public static Upgrade of(String cluster, AppSpec spec) {
    return new Upgrade(cluster, spec, false, Optional.empty(), SettingsChange.NONE);
  }

  /**
   * Returns a copy that rolls back at once when the upgrade fails.
   *
   * @return the copy
   */
  public Upgrade withAutoRollback() {
    return new Upgrade(cluster, spec, true, timeout, changes);
  }

  /**
   * Returns a copy with a timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public Upgrade withTimeout(Duration value) {
    return new Upgrade(cluster, spec, autoRollback, Optional.of(value), changes);
  }

  @Override
  public OperationType type() {
    return OperationType.UPGRADE;
  }

  /**
   * Returns this request merging {@code value} into the cluster's settings as it upgrades.
   *
   * @param value the settings change
   * @return the new request
   */
  public Upgrade withChanges(SettingsChange value) {
    return new Upgrade(cluster, spec, autoRollback, timeout, value);
  }
}
