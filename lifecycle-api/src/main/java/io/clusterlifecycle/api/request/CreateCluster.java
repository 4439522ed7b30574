package io.clusterlifecycle.api.request;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.plugin.PluginRef;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Create a cluster of an app spec (docs/design.md §6.1).
 *
 * @param spec the app spec
 * @param name the cluster name, {@code [a-z][a-z0-9-]{0,39}}, unique in its namespace
 * @param namespace the namespace
 * @param counts node counts per role that differ from the spec's {@code count}
 * @param labels labels to put on the cluster
 * @param env parameters that override the spec's env
 * @param timeout the operation's timeout, or empty for the engine's default
 * @param values config values deep-merged over the spec's config defaults (docs/design.md §15)
 * @param params typed parameter values by name, which win over values on the same path
 * @param dependencies dependency names mapped to {@code namespace/cluster} or {@code cluster}
 * @param plugins plugins to enable, in the order they apply (docs/design.md §15)
 */
public record CreateCluster(
    AppSpec spec,
    String name,
    String namespace,
    Map<String, Integer> counts,
    Map<String, String> labels,
    Map<String, String> env,
    Optional<Duration> timeout,
    Map<String, Object> values,
    Map<String, Object> params,
    Map<String, String> dependencies,
    List<PluginRef> plugins)
    implements OperationRequest {

  /**
   * Checks for nulls and copies the maps.
   *
   * @param spec the app spec
   * @param name the cluster name
   * @param namespace the namespace
   * @param counts per-role counts; copied
   * @param labels labels; copied
   * @param env parameters; copied
   * @param timeout the timeout, if any
   * @param values config values; copied; null reads as empty
   * @param params parameter values; copied; null reads as empty
   * @param dependencies dependencies; copied; null reads as empty
   * @param plugins plugins; copied; null reads as empty
   */
  public CreateCluster {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(timeout, "timeout");
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    SettingsChange settings =
        new SettingsChange(
            values == null ? Map.of() : values,
            params == null ? Map.of() : params,
            Map.of(),
            dependencies == null ? Map.of() : dependencies,
            plugins);
    values = settings.values();
    params = settings.params();
    dependencies = settings.dependencies();
    plugins = settings.plugins();
  }

  /**
   * The request without plugins, as it was before plugins existed.
   *
   * @param spec the app spec
   * @param name the cluster name
   * @param namespace the namespace
   * @param counts per-role counts
   * @param labels labels
   * @param env parameters
   * @param timeout the timeout, if any
   * @param values config values; null reads as empty
   * @param params parameter values; null reads as empty
   * @param dependencies dependencies; null reads as empty
   */
  public CreateCluster(
      AppSpec spec,
      String name,
      String namespace,
      Map<String, Integer> counts,
      Map<String, String> labels,
      Map<String, String> env,
      Optional<Duration> timeout,
      Map<String, Object> values,
      Map<String, Object> params,
      Map<String, String> dependencies) {
    this(
        spec,
        name,
        namespace,
        counts,
        labels,
        env,
        timeout,
        values,
        params,
        dependencies,
        List.of());
  }

  @Override
  public OperationType type() {
    return OperationType.CREATE;
  }

  /**
   * Starts a builder.
   *
   * @param spec the app spec
   * @param name the cluster name
   * @return a builder in the default namespace with the spec's counts
   */
  public static Builder builder(AppSpec spec, String name) {
    return new Builder(spec, name);
  }

  /** Builds a {@link CreateCluster}; not thread-safe. */
  public static final class Builder {
    private final AppSpec spec;
    private final String name;
    private String namespace = Cluster.DEFAULT_NAMESPACE;
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Map<String, String> dependencies = new LinkedHashMap<>();
    private final List<PluginRef> plugins = new ArrayList<>();
    private Duration timeout;

    private Builder(AppSpec spec, String name) {
      this.spec = Objects.requireNonNull(spec, "spec");
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Sets the namespace.
     *
     * @param value the namespace
     * @return this builder
     */
    public Builder namespace(String value) {
      this.namespace = Objects.requireNonNull(value, "namespace");
      return this;
    }

    /**
     * Overrides one role's node count.
     *
     * @param role the role
     * @param count the count, within the role's [min_nodes, max_nodes]
     * @return this builder
     */
    public Builder count(String role, int count) {
      counts.put(Objects.requireNonNull(role, "role"), count);
      return this;
    }

    /**
     * Adds a label.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Overrides one parameter of the spec's env.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder env(String key, String value) {
      env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the timeout.
     *
     * @param value the timeout
     * @return this builder
     */
    public Builder timeout(Duration value) {
      this.timeout = Objects.requireNonNull(value, "timeout");
      return this;
    }

    /**
     * Deep-merges config values over the spec's config defaults.
     *
     * @param value nested JSON-like values
     * @return this builder
     */
    public Builder values(Map<String, Object> value) {
      values.putAll(Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets a typed parameter.
     *
     * @param parameter the parameter's name
     * @param value its value
     * @return this builder
     */
    public Builder param(String parameter, Object value) {
      params.put(
          Objects.requireNonNull(parameter, "parameter"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Makes the cluster depend on another (docs/design.md §15).
     *
     * @param dependency the dependency's name, for example {@code zookeeper}
     * @param target {@code namespace/cluster}, or {@code cluster} in this cluster's namespace
     * @return this builder
     */
    public Builder dependency(String dependency, String target) {
      dependencies.put(
          Objects.requireNonNull(dependency, "dependency"),
          Objects.requireNonNull(target, "target"));
      return this;
    }

    /**
     * Enables a plugin; plugins apply in the order they are added.
     *
     * @param value the plugin reference
     * @return this builder
     */
    public Builder plugin(PluginRef value) {
      plugins.add(Objects.requireNonNull(value, "plugin"));
      return this;
    }

    /**
     * Builds the request; it is validated when submitted.
     *
     * @return the request
     */
    public CreateCluster build() {
      return new CreateCluster(
          spec,
          name,
          namespace,
          counts,
          labels,
          env,
          Optional.ofNullable(timeout),
          values,
          params,
          dependencies,
          plugins);
    }
  }
}
