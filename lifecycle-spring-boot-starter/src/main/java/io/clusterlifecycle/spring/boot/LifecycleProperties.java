package io.clusterlifecycle.spring.boot;

import io.clusterlifecycle.spi.jdbc.JdbcUrls;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The {@code lifecycle.*} properties the auto-configured engine is built from. Every value has a
 * default, so an application that sets nothing gets the embedded default: local nodes and a SQLite
 * store in {@code .lifecycle}. (The parameters' text is plain: it is what IDEs show.)
 *
 * @param enabled whether to configure an engine at all
 * @param home the directory of the local nodes and of the SQLite store; created owner-only
 * @param infrastructure where nodes run when the application declares no ResourceProvider,
 *     CommandExecutor or MetadataStore bean of its own
 * @param store where the records and journals go
 * @param lease how the engine owns the operations it runs
 * @param maxInFlight how many steps may run at once across the engine
 * @param defaultTimeout the timeout of an operation whose request gives none
 * @param commandGrace how long past its timeout a command may take before it is cancelled
 * @param checkHealthEvery how often every cluster's health is checked; unset: never in the
 *     background
 * @param reconcileEvery how often every cluster is compared with its infrastructure; unset: never
 *     in the background
 * @param host the name this process writes into its leases; unset: the host's name
 */
@ConfigurationProperties("lifecycle")
public record LifecycleProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue(".lifecycle") Path home,
    @DefaultValue("local") Infrastructure infrastructure,
    @DefaultValue Store store,
    @DefaultValue Lease lease,
    @DefaultValue("256") int maxInFlight,
    @DefaultValue("1h") Duration defaultTimeout,
    @DefaultValue("5s") Duration commandGrace,
    Duration checkHealthEvery,
    Duration reconcileEvery,
    String host) {

  /** Where nodes run when the application does not say otherwise with beans of its own. */
  public enum Infrastructure {
    /** Nodes are processes on this machine, with their directories under the home. */
    LOCAL,
    /**
     * None: the application declares its own {@code ResourceProvider}, {@code CommandExecutor} and
     * {@code MetadataStore} beans (OpenStack, Kubernetes, SSH hosts...).
     */
    NONE
  }

  /**
   * Where the records and journals go.
   *
   * @param url a JDBC URL (jdbc:postgresql://HOST/DB or jdbc:sqlite:FILE); unset: the SQLite file
   *     lifecycle.db in the home. For etcd or Kubernetes, declare a ClusterStore bean instead.
   * @param username the database user, for a URL that needs one
   * @param password the database password; never logged or shown
   * @param poolSize the number of database connections
   */
  public record Store(
      String url, String username, String password, @DefaultValue("4") int poolSize) {
    /**
     * Checks the URL, so that a wrong one fails the start before anything is created.
     *
     * @param url the URL; blank reads as unset
     * @param username the user
     * @param password the password
     * @param poolSize the pool's size
     * @throws InvalidConfigurationPropertyValueException if the URL is not a JDBC URL; its message
     *     never shows a password
     */
    public Store {
      url = url == null || url.isBlank() ? null : url.strip();
      if (url != null && !url.startsWith("jdbc:")) {
        throw new InvalidConfigurationPropertyValueException(
            "lifecycle.store.url",
            JdbcUrls.redacted(url),
            "Give a JDBC URL (jdbc:postgresql://HOST/DB or jdbc:sqlite:FILE), or declare a"
                + " ClusterStore bean for etcd or Kubernetes.");
      }
      if (poolSize < 1) {
        throw new InvalidConfigurationPropertyValueException(
            "lifecycle.store.pool-size", poolSize, "Give at least 1.");
      }
    }

    @Override
    public String toString() {
      return "Store[url="
          + JdbcUrls.redacted(url)
          + ", username="
          + username
          + ", poolSize="
          + poolSize
          + "]";
    }
  }

  /**
   * How the engine owns the operations it runs.
   *
   * @param duration how long a lease lasts without renewal; renewed every third of it
   * @param resumeOnStart whether operations interrupted when an engine stopped (their lease lapsed)
   *     are resumed as soon as this one starts
   * @param takeOverEvery how often to look for operations whose engine stopped renewing its lease,
   *     and resume them; unset: only at start
   */
  public record Lease(
      @DefaultValue("30s") Duration duration,
      @DefaultValue("true") boolean resumeOnStart,
      Duration takeOverEvery) {}
}
