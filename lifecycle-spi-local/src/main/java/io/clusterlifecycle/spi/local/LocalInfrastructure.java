package io.clusterlifecycle.spi.local;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything the engine needs to run clusters on the local machine, opened on one {@link
 * LocalHome}: nodes as directories ({@link #resources()}), commands as local processes ({@link
 * #commands()}), the metadata tree in a file ({@link #metadata()}) and the records as JSON files
 * ({@link #store()}). This is the embedded default, used by the {@code lifecycle} command-line tool
 * and by tests.
 *
 * <pre>{@code
 * try (LocalInfrastructure local = LocalInfrastructure.open(Path.of(".lifecycle"));
 *      Lifecycle lifecycle = LifecycleEngine.builder()
 *          .resourceProvider(local.resources()).commandExecutor(local.commands())
 *          .metadataStore(local.metadata()).clusterStore(local.store()).build()) {
 *   lifecycle.create(CreateCluster.builder(spec, "zk1").build());
 * }
 * }</pre>
 *
 * <p>The four components share a bounded pool of I/O threads and one scheduler thread, both daemon
 * threads created here and shut down by {@link #close()}. A node created by {@link #resources()}
 * gets its {@code metadata.json} at once when the tree already lists it. Several instances, in one
 * process or several, may share a home. Thread-safe.
 */
public final class LocalInfrastructure implements AutoCloseable {
  private final LocalHome home;
  private final ExecutorService io;
  private final ScheduledExecutorService scheduler;
  private final LocalResourceProvider resources;
  private final LocalCommandExecutor commands;
  private final LocalMetadataStore metadata;
  private final FileClusterStore store;

  private LocalInfrastructure(Builder b) {
    this.home = LocalHome.open(b.home);
    this.io = Pools.io("lifecycle-spi-local-io", b.ioThreads);
    this.scheduler = Pools.scheduler("lifecycle-spi-local-timer");
    this.resources = new LocalResourceProvider(home, io, b.clock);
    this.commands = new LocalCommandExecutor(home, io, scheduler, b.killGrace, b.clock);
    this.metadata = new LocalMetadataStore(home, b.metadataRoot, io);
    this.store = new FileClusterStore(home, io);
    resources.onCreated(metadata::nodeCreated);
  }

  /**
   * Opens the local infrastructure on a home with the default settings, creating the home's
   * directories when they do not exist.
   *
   * @param home the home directory, such as {@link LocalHome#DEFAULT_DIRECTORY}
   * @return the infrastructure; close it to stop its threads
   * @throws NullPointerException if {@code home} is null
   * @throws io.clusterlifecycle.api.error.LifecycleException if the home cannot be created
   */
  public static LocalInfrastructure open(Path home) {
    return builder(home).build();
  }

  /**
   * Starts configuring the local infrastructure on a home.
   *
   * @param home the home directory
   * @return a builder with the documented defaults
   * @throws NullPointerException if {@code home} is null
   */
  public static Builder builder(Path home) {
    return new Builder(home);
  }

  /**
   * Returns the home.
   *
   * @return the home all four components use
   */
  public LocalHome home() {
    return home;
  }

  /**
   * Returns the resource provider: nodes as directories.
   *
   * @return the provider, closed with this object
   */
  public LocalResourceProvider resources() {
    return resources;
  }

  /**
   * Returns the command executor: local processes in the node directories.
   *
   * @return the executor, closed with this object
   */
  public LocalCommandExecutor commands() {
    return commands;
  }

  /**
   * Returns the metadata store: the tree in a file, and each node's view in its directory.
   *
   * @return the store, closed with this object
   */
  public LocalMetadataStore metadata() {
    return metadata;
  }

  /**
   * Returns the cluster store: records as JSON files.
   *
   * @return the store, closed with this object
   */
  public FileClusterStore store() {
    return store;
  }

  /**
   * Kills commands still running, closes the four components and stops the threads created here,
   * waiting a few seconds for work under way; idempotent. Records and nodes stay on disk.
   */
  @Override
  public void close() {
    commands.close();
    metadata.close();
    resources.close();
    store.close();
    Pools.shutdown(scheduler);
    Pools.shutdown(io);
  }

  /** Settings of a {@link LocalInfrastructure}; not thread-safe. */
  public static final class Builder {
    /** I/O threads unless configured otherwise. */
    public static final int DEFAULT_IO_THREADS = Pools.DEFAULT_THREADS;

    private final Path home;
    private String metadataRoot = LocalMetadataStore.DEFAULT_ROOT;
    private int ioThreads = DEFAULT_IO_THREADS;
    private Duration killGrace = LocalCommandExecutor.DEFAULT_KILL_GRACE;
    private Clock clock = Clock.systemUTC();

    private Builder(Path home) {
      this.home = Objects.requireNonNull(home, "home");
    }

    /**
     * Sets the path under which each cluster's metadata tree lives; default {@value
     * LocalMetadataStore#DEFAULT_ROOT}. It must match the engine's setting.
     *
     * @param value an absolute path
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is not an absolute path
     */
    public Builder metadataRoot(String value) {
      this.metadataRoot = LocalMetadataStore.prefix(Objects.requireNonNull(value, "metadataRoot"));
      return this;
    }

    /**
     * Sets how many threads do file work (creating nodes, writing records, starting processes);
     * default {@value #DEFAULT_IO_THREADS}. Commands do not hold a thread while they run.
     *
     * @param value 1 to 64
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public Builder ioThreads(int value) {
      if (value < 1 || value > 64) {
        throw new IllegalArgumentException("ioThreads must be 1 to 64, was " + value);
      }
      this.ioThreads = value;
      return this;
    }

    /**
     * Sets how long a killed command has between SIGTERM and SIGKILL; default {@link
     * LocalCommandExecutor#DEFAULT_KILL_GRACE}.
     *
     * @param value zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Builder killGrace(Duration value) {
      Objects.requireNonNull(value, "killGrace");
      if (value.isNegative()) {
        throw new IllegalArgumentException("killGrace must not be negative, was " + value);
      }
      this.killGrace = value;
      return this;
    }

    /**
     * Sets the clock that stamps node records and names log and kept-volume files; default the
     * system clock in UTC.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Opens the home and the four components.
     *
     * @return the infrastructure; close it to stop its threads
     * @throws io.clusterlifecycle.api.error.LifecycleException if the home cannot be created
     */
    public LocalInfrastructure build() {
      return new LocalInfrastructure(this);
    }
  }
}
