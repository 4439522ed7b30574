package io.clusterlifecycle.api.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a service command on one node.
 *
 * <p>The {@code script} is the service's command text from the app spec, run by {@code bash -c}.
 * Everything that comes from outside the spec (cluster and node names, ids, addresses, metadata)
 * travels in {@code environment}, never spliced into the script.
 *
 * @param node the node to run on, as the provider reported it
 * @param service the service name, for logs and events
 * @param script the command text
 * @param environment the {@code LC_*} variables and any others, passed as the process environment;
 *     it holds the values of the secrets the service declares (docs/design.md §9.3), so an executor
 *     must not log it, write it down or pass it to anything but the command; {@link #toString()}
 *     shows its names only
 * @param timeout how long the command may run before it is killed and reported as timed out
 * @param runKey names the step this run belongs to, the same for every attempt of that step on this
 *     node ({@code <operation-id>/<step-id>} from the engine), so that a later {@link
 *     CommandExecutor#fence} can find a run an engine lost track of; empty when the caller will
 *     never fence it
 * @param secretNames the names of the variables of {@code environment} that hold secret values
 *     (docs/design.md §9.3): an executor that keeps the command's output anywhere of its own (log
 *     files) masks their values there as the engine does in results; each name is a key of {@code
 *     environment}
 */
public record CommandRequest(
    NodeResource node,
    String service,
    String script,
    Map<String, String> environment,
    Duration timeout,
    String runKey,
    java.util.Set<String> secretNames) {

  /** Environment variable holding the cluster id. */
  public static final String LC_CLUSTER_ID = "LC_CLUSTER_ID";

  /** Environment variable holding the cluster name. */
  public static final String LC_CLUSTER_NAME = "LC_CLUSTER_NAME";

  /** Environment variable holding the node's role. */
  public static final String LC_ROLE = "LC_ROLE";

  /** Environment variable holding the node id. */
  public static final String LC_NODE_ID = "LC_NODE_ID";

  /** Environment variable holding the node's address. */
  public static final String LC_NODE_IP = "LC_NODE_IP";

  /** Environment variable holding the service name. */
  public static final String LC_SERVICE = "LC_SERVICE";

  /** Environment variable holding the operation id. */
  public static final String LC_OPERATION_ID = "LC_OPERATION_ID";

  /** Environment variable holding the path of the node's metadata JSON file, where there is one. */
  public static final String LC_METADATA = "LC_METADATA";

  /** Variable naming the backup a {@code backup} or {@code restore} command works on. */
  public static final String LC_BACKUP_ID = "LC_BACKUP_ID";

  /**
   * Variable naming the node's artifact within its backup, {@code <backup-id>/<node-id>} of the
   * node that was backed up; executors may map it to a location (the local executor also sets
   * {@link #LC_BACKUP_DIR}).
   */
  public static final String LC_BACKUP_ARTIFACT = "LC_BACKUP_ARTIFACT";

  /** Variable holding a directory for the node's backup artifact, set by the local executor. */
  public static final String LC_BACKUP_DIR = "LC_BACKUP_DIR";

  /** Variable holding the app version the node runs. */
  public static final String LC_APP_VERSION = "LC_APP_VERSION";

  /** Variable holding the node's cores as recorded now (changed by vertical scaling). */
  public static final String LC_NODE_CPU = "LC_NODE_CPU";

  /** Variable holding the node's memory in MiB as recorded now. */
  public static final String LC_NODE_MEMORY = "LC_NODE_MEMORY";

  /** Variable holding the node's volume size in GiB as recorded now, {@code 0} for none. */
  public static final String LC_NODE_VOLUME_SIZE = "LC_NODE_VOLUME_SIZE";

  /**
   * Variable the executor sets to the path of a file the command may write its results to: a JSON
   * object or {@code key=value} lines (docs/design.md §9.3.1). The executor hands the file's text
   * back in {@link CommandResult#result()} and removes the file.
   */
  public static final String LC_RESULT = "LC_RESULT";

  /**
   * Variable the executor sets to the path of a file the command may write the node's workload
   * status to: one line {@code <active|maintenance|waiting|blocked> [message]} (docs/design.md
   * §9.3.1). The executor hands the file's text back in {@link CommandResult#status()} and removes
   * the file.
   */
  public static final String LC_STATUS = "LC_STATUS";

  /**
   * Checks for nulls and copies the environment.
   *
   * @param node the node
   * @param service the service name
   * @param script the command text
   * @param environment the process environment; copied
   * @param timeout the time limit
   * @param runKey the step's run key, or empty
   * @param secretNames the variables holding secret values; copied
   * @throws IllegalArgumentException if a secret name is not a key of {@code environment}
   */
  public CommandRequest {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(runKey, "runKey");
    environment = Map.copyOf(environment);
    secretNames = java.util.Set.copyOf(secretNames);
    for (String name : secretNames) {
      if (!environment.containsKey(name)) {
        throw new IllegalArgumentException(
            "secret variable " + name + " is not in the environment");
      }
    }
  }

  /**
   * Creates a request whose environment holds no secret.
   *
   * @param node the node
   * @param service the service name
   * @param script the command text
   * @param environment the process environment; copied
   * @param timeout the time limit
   * @param runKey the step's run key, or empty
   */
  public CommandRequest(
      NodeResource node,
      String service,
      String script,
      Map<String, String> environment,
      Duration timeout,
      String runKey) {
    this(node, service, script, environment, timeout, runKey, java.util.Set.of());
  }

  /**
   * Returns the values of the secret variables, for an executor to mask in output it keeps.
   *
   * @return the values of {@link #secretNames()} that are not empty
   */
  public java.util.Set<String> secretValues() {
    java.util.Set<String> values = new java.util.HashSet<>();
    for (String name : secretNames) {
      String v = environment.get(name);
      if (!v.isEmpty()) {
        values.add(v);
      }
    }
    return java.util.Set.copyOf(values);
  }

  /**
   * Describes the request with the names of its environment variables but not their values, which
   * may be secrets.
   *
   * @return a description safe to log
   */
  @Override
  public String toString() {
    return "CommandRequest[node="
        + node.ref()
        + ", service="
        + service
        + ", script="
        + script
        + ", environment names="
        + new java.util.TreeSet<>(environment.keySet())
        + ", timeout="
        + timeout
        + ", runKey="
        + runKey
        + ", secretNames="
        + new java.util.TreeSet<>(secretNames)
        + "]";
  }

  /**
   * Starts a builder for a CommandRequest; every component not set is {@code null} (which the
   * constructor refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this CommandRequest's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link CommandRequest}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private NodeResource node;
    private String service;
    private String script;
    private Map<String, String> environment = Map.of();
    private Duration timeout;
    private String runKey = "";
    private java.util.Set<String> secretNames = java.util.Set.of();

    private Builder() {}

    private Builder(CommandRequest r) {
      this.node = r.node;
      this.service = r.service;
      this.script = r.script;
      this.environment = r.environment;
      this.timeout = r.timeout;
      this.runKey = r.runKey;
      this.secretNames = r.secretNames;
    }

    /**
     * Sets {@code node}: the node to run on, as the provider reported it.
     *
     * @param value the value
     * @return this builder
     */
    public Builder node(NodeResource value) {
      Objects.requireNonNull(value, "node");
      this.node = value;
      return this;
    }

    /**
     * Sets {@code service}: the service name, for logs and events.
     *
     * @param value the value
     * @return this builder
     */
    public Builder service(String value) {
      Objects.requireNonNull(value, "service");
      this.service = value;
      return this;
    }

    /**
     * Sets {@code script}: the command text.
     *
     * @param value the value
     * @return this builder
     */
    public Builder script(String value) {
      Objects.requireNonNull(value, "script");
      this.script = value;
      return this;
    }

    /**
     * Sets {@code environment}: the {@code LC_*} variables and any others, passed as the process
     * environment.
     *
     * @param value the value
     * @return this builder
     */
    public Builder environment(Map<String, String> value) {
      Objects.requireNonNull(value, "environment");
      this.environment = value;
      return this;
    }

    /**
     * Sets {@code timeout}: how long the command may run before it is killed and reported as timed
     * out.
     *
     * @param value the value
     * @return this builder
     */
    public Builder timeout(Duration value) {
      Objects.requireNonNull(value, "timeout");
      this.timeout = value;
      return this;
    }

    /**
     * Sets {@code runKey}: names the step this run belongs to, so that {@link
     * CommandExecutor#fence} can find it; empty (the default) when it will never be fenced.
     *
     * @param value the value
     * @return this builder
     */
    public Builder runKey(String value) {
      Objects.requireNonNull(value, "runKey");
      this.runKey = value;
      return this;
    }

    /**
     * Sets {@code secretNames}: the variables of the environment that hold secret values.
     *
     * @param value names that are keys of the environment
     * @return this builder
     */
    public Builder secretNames(java.util.Set<String> value) {
      Objects.requireNonNull(value, "secretNames");
      this.secretNames = value;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the CommandRequest
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public CommandRequest build() {
      return new CommandRequest(node, service, script, environment, timeout, runKey, secretNames);
    }
  }
}
