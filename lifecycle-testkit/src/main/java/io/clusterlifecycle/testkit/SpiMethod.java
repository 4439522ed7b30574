package io.clusterlifecycle.testkit;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Every asynchronous method of the four SPIs, as the {@link Simulator} names them when it is told
 * where to inject faults and when it reports what it injected. {@link #spi()} tells which SPI a
 * method belongs to; {@link #of(Spi)} selects all methods of one SPI.
 */
public enum SpiMethod {
  /** {@link io.clusterlifecycle.api.spi.ResourceProvider#create}. */
  RESOURCE_CREATE(Spi.RESOURCE_PROVIDER),
  /** {@link io.clusterlifecycle.api.spi.ResourceProvider#find}. */
  RESOURCE_FIND(Spi.RESOURCE_PROVIDER),
  /** {@link io.clusterlifecycle.api.spi.ResourceProvider#list}. */
  RESOURCE_LIST(Spi.RESOURCE_PROVIDER),
  /** {@link io.clusterlifecycle.api.spi.ResourceProvider#start}. */
  RESOURCE_START(Spi.RESOURCE_PROVIDER),
  /** {@link io.clusterlifecycle.api.spi.ResourceProvider#stop}. */
  RESOURCE_STOP(Spi.RESOURCE_PROVIDER),
  /** {@link io.clusterlifecycle.api.spi.ResourceProvider#resize}. */
  RESOURCE_RESIZE(Spi.RESOURCE_PROVIDER),
  /** {@link io.clusterlifecycle.api.spi.ResourceProvider#replaceImage}. */
  RESOURCE_REPLACE_IMAGE(Spi.RESOURCE_PROVIDER),
  /** {@link io.clusterlifecycle.api.spi.ResourceProvider#delete}. */
  RESOURCE_DELETE(Spi.RESOURCE_PROVIDER),
  /** {@link io.clusterlifecycle.api.spi.CommandExecutor#run}. */
  COMMAND_RUN(Spi.COMMAND_EXECUTOR),
  /** {@link io.clusterlifecycle.api.spi.CommandExecutor#fence}. */
  COMMAND_FENCE(Spi.COMMAND_EXECUTOR),
  /** {@link io.clusterlifecycle.api.spi.MetadataStore#commit}. */
  METADATA_COMMIT(Spi.METADATA_STORE),
  /** {@link io.clusterlifecycle.api.spi.MetadataStore#get}. */
  METADATA_GET(Spi.METADATA_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#get}. */
  STORE_GET(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#list}. */
  STORE_LIST(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#named}. */
  STORE_NAMED(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#busy}. */
  STORE_BUSY(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#put}. */
  STORE_PUT(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#write}. */
  STORE_WRITE(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#delete}. */
  STORE_DELETE(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#putOperation}. */
  STORE_PUT_OPERATION(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#getOperation}. */
  STORE_GET_OPERATION(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#operations}. */
  STORE_OPERATIONS(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#appendJournal}. */
  STORE_APPEND_JOURNAL(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#journal}. */
  STORE_JOURNAL(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#putBackup}. */
  STORE_PUT_BACKUP(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#getBackup}. */
  STORE_GET_BACKUP(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#backups}. */
  STORE_BACKUPS(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#appendEvents}. */
  STORE_APPEND_EVENTS(Spi.CLUSTER_STORE),
  /** {@link io.clusterlifecycle.api.spi.ClusterStore#events}. */
  STORE_EVENTS(Spi.CLUSTER_STORE);

  /** The four SPIs. */
  public enum Spi {
    /** {@link io.clusterlifecycle.api.spi.ResourceProvider}. */
    RESOURCE_PROVIDER,
    /** {@link io.clusterlifecycle.api.spi.CommandExecutor}. */
    COMMAND_EXECUTOR,
    /** {@link io.clusterlifecycle.api.spi.MetadataStore}. */
    METADATA_STORE,
    /** {@link io.clusterlifecycle.api.spi.ClusterStore}. */
    CLUSTER_STORE
  }

  private final Spi spi;

  SpiMethod(Spi spi) {
    this.spi = spi;
  }

  /**
   * Returns the SPI this method belongs to.
   *
   * @return the SPI
   */
  public Spi spi() {
    return spi;
  }

  /**
   * Tells whether the method changes what the service holds (creates, deletes, writes), as opposed
   * to only reading it.
   *
   * @return true for the methods with side effects
   */
  public boolean writes() {
    return switch (this) {
      case RESOURCE_FIND,
          RESOURCE_LIST,
          METADATA_GET,
          STORE_GET,
          STORE_LIST,
          STORE_NAMED,
          STORE_BUSY,
          STORE_GET_OPERATION,
          STORE_OPERATIONS,
          STORE_JOURNAL,
          STORE_GET_BACKUP,
          STORE_BACKUPS,
          STORE_EVENTS ->
          false;
      default -> true;
    };
  }

  /**
   * Returns the methods of one SPI.
   *
   * @param spi the SPI
   * @return an unmodifiable set, in declaration order
   * @throws NullPointerException if {@code spi} is null
   */
  public static Set<SpiMethod> of(Spi spi) {
    Objects.requireNonNull(spi, "spi");
    EnumSet<SpiMethod> set = EnumSet.noneOf(SpiMethod.class);
    for (SpiMethod m : values()) {
      if (m.spi == spi) {
        set.add(m);
      }
    }
    return Collections.unmodifiableSet(set);
  }

  /**
   * Returns every method of every SPI.
   *
   * @return an unmodifiable set, in declaration order
   */
  public static Set<SpiMethod> all() {
    return Collections.unmodifiableSet(EnumSet.allOf(SpiMethod.class));
  }
}
