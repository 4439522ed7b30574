package io.clusterlifecycle.api.model;

import io.clusterlifecycle.api.plugin.PluginRef;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ConfigValues;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.RoleState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A running instance of an app spec, as recorded by the engine.
 *
 * @param id the cluster id, unique in the store
 * @param name the cluster name, unique in its namespace among clusters that are not DONE
 * @param namespace the namespace
 * @param spec the app spec it runs (during an upgrade or rollback: the version it moves to)
 * @param previousSpec the spec it ran before its last upgrade or rollback, which rollback returns
 *     to; empty when it was never upgraded
 * @param labels labels for selection
 * @param env cluster parameters: the spec's env merged with the values given at creation
 * @param state the cluster's state
 * @param nodes the nodes, sorted by role order in the spec and then by index
 * @param lastIndex per role, the highest node index ever handed out (indexes are never reused)
 * @param primaries per role that has a {@code promote} service, the node promoted last
 *     (docs/design.md §6.11); a role missing here has its first node as primary
 * @param operation the id of the operation under way; empty when none
 * @param lease the owner of the operation under way, empty when none
 * @param history ids of the operations run on it, oldest first
 * @param version the record's version, for compare-and-set in the store; {@code 0} before the first
 *     write
 * @param createdAt when it was created
 * @param updatedAt when its record last changed
 * @param plugins the plugins enabled on it, in the order they apply (docs/design.md §15)
 * @param activeRoles the roles whose nodes the operation under way (or the last one, while the
 *     cluster is in its failed state) acts on; they take the cluster's busy or failed state as
 *     their own (docs/design.md §3.6)
 * @param elasticity per role with elasticity or scheduled policies, the autoscaler's counters
 *     (docs/design.md §6.14)
 */
public record Cluster(
    String id,
    String name,
    String namespace,
    AppSpec spec,
    Optional<AppSpec> previousSpec,
    Map<String, String> labels,
    Map<String, String> env,
    ClusterState state,
    List<Node> nodes,
    Map<String, Integer> lastIndex,
    Map<String, String> primaries,
    Optional<String> operation,
    Optional<Lease> lease,
    List<String> history,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Map<String, Object> configValues,
    Map<String, Object> params,
    Map<String, String> dependencies,
    List<PluginRef> plugins,
    Set<String> activeRoles,
    Map<String, ElasticCounters> elasticity) {

  /** Namespace used when none is given. */
  public static final String DEFAULT_NAMESPACE = "default";

  /**
   * Checks for nulls and copies the collections (labels, env and indexes sorted by key).
   *
   * @param id the cluster id
   * @param name the cluster name
   * @param namespace the namespace
   * @param spec the app spec
   * @param previousSpec the spec before the last upgrade or rollback, if any; {@code null} (a
   *     record written before upgrades existed) is read as empty
   * @param labels labels; copied
   * @param env parameters; copied
   * @param state the state
   * @param nodes the nodes; copied
   * @param lastIndex highest index per role; copied
   * @param primaries promoted node per role; copied; {@code null} is read as empty
   * @param operation the operation under way, if any; an empty text counts as none
   * @param lease the owner of the operation under way, if any
   * @param history operation ids; copied
   * @param version the record version
   * @param createdAt creation time
   * @param updatedAt last change time
   * @param configValues config values merged so far over the spec's defaults (docs/design.md §15);
   *     copied; {@code null} (a record written before config) is read as empty
   * @param params typed parameter values set so far; copied; {@code null} is read as empty
   * @param dependencies dependency names mapped to {@code namespace/cluster}; copied; {@code null}
   *     is read as empty
   * @param plugins enabled plugins, in order; copied; {@code null} is read as empty
   * @param activeRoles the roles the current or failed operation acts on; copied; {@code null} is
   *     read as empty
   * @param elasticity the autoscaler's counters per role; copied; {@code null} is read as empty
   */
  public Cluster {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(spec, "spec");
    previousSpec = previousSpec == null ? Optional.empty() : previousSpec;
    Objects.requireNonNull(state, "state");
    operation = Objects.requireNonNull(operation, "operation").filter(s -> !s.isEmpty());
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    labels = sorted(labels);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    nodes = NodeList.copyOf(nodes);
    lastIndex = sorted(lastIndex);
    primaries = primaries == null ? Map.of() : sorted(primaries);
    history = List.copyOf(history);
    configValues = ConfigValues.normalMap(configValues);
    params = ConfigValues.normalMap(params);
    dependencies = dependencies == null ? Map.of() : sorted(dependencies);
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
    activeRoles =
        activeRoles == null || activeRoles.isEmpty()
            ? Set.of()
            : Collections.unmodifiableSet(new java.util.TreeSet<>(activeRoles));
    elasticity = elasticity == null ? Map.of() : sorted(elasticity);
  }

  /** An unmodifiable copy sorted by key; {@link Map#of()} when empty, as records often are. */
  private static <V> Map<String, V> sorted(Map<String, V> map) {
    return map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(map));
  }

  /**
   * Tells whether a node of the cluster is unhealthy (docs/design.md §3.6): its last health check
   * found a problem, or its scripts reported it blocked.
   *
   * @return true when a node is unhealthy
   */
  public boolean unhealthy() {
    return nodes.stream().anyMatch(Node::unhealthy);
  }

  /**
   * Returns each role's state (docs/design.md §3.6), in the spec's role order: a role the operation
   * under way acts on, or the failed one acted on, has the cluster's busy or failed state; any
   * other role is {@code STOPPED} when all its nodes are stopped, {@code WARNING} when one of its
   * nodes is unhealthy, and otherwise follows the cluster ({@code RUNNING} in a running or warning
   * cluster).
   *
   * @return the states by role name
   */
  public Map<String, RoleState> roleStates() {
    return RoleStates.of(this);
  }

  /**
   * Computes the effective config: the spec's defaults, then {@link #configValues()}, then the
   * parameters (docs/design.md §15).
   *
   * @return the nested config
   */
  public Map<String, Object> config() {
    return ConfigValues.effective(spec, configValues, params);
  }

  /**
   * Looks a node up by id.
   *
   * @param nodeId the node id
   * @return the node, or empty
   */
  public Optional<Node> node(String nodeId) {
    return Optional.ofNullable(((NodeList) nodes).byId(nodeId));
  }

  /**
   * Returns the primary node of a role (docs/design.md §6.11): the node promoted last, or else the
   * role's first node.
   *
   * @param role the role name
   * @return the primary node, or empty when the recorded one is gone and the role has no nodes
   */
  public Optional<Node> primary(String role) {
    String promoted = primaries.get(role);
    if (promoted != null) {
      return node(promoted);
    }
    return nodes(role).stream().findFirst();
  }

  /**
   * Returns the spec a node runs: the cluster's spec, or the previous one for a node still on the
   * previous version (during an upgrade or rollback).
   *
   * @param node a node of this cluster
   * @return the spec of the node's version
   */
  public AppSpec specOf(Node node) {
    String version = node.version().orElse(spec.version());
    if (!version.equals(spec.version())
        && previousSpec.isPresent()
        && previousSpec.get().version().equals(version)) {
      return previousSpec.get();
    }
    return spec;
  }

  /**
   * Returns the nodes of one role, by index.
   *
   * @param role the role name
   * @return the nodes, possibly none
   */
  public List<Node> nodes(String role) {
    return nodes.stream()
        .filter(n -> n.role().equals(role))
        .sorted(Comparator.comparingInt(Node::index))
        .toList();
  }

  /**
   * Returns an exact copy with another record version, as a store hands back after a write.
   *
   * @param newVersion the version
   * @return the copy
   */
  public Cluster withVersion(long newVersion) {
    return new Cluster(
        id,
        name,
        namespace,
        spec,
        previousSpec,
        labels,
        env,
        state,
        nodes,
        lastIndex,
        primaries,
        operation,
        lease,
        history,
        newVersion,
        createdAt,
        updatedAt,
        configValues,
        params,
        dependencies,
        plugins,
        activeRoles,
        elasticity);
  }

  /**
   * Starts a builder holding this cluster's fields, to make a changed copy.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Starts a builder for a new cluster record.
   *
   * @param id the cluster id
   * @param name the cluster name
   * @param spec the app spec
   * @param now the creation time
   * @return a builder in state PENDING with no nodes
   */
  public static Builder builder(String id, String name, AppSpec spec, Instant now) {
    return new Builder(
        new Cluster(
            id,
            name,
            DEFAULT_NAMESPACE,
            spec,
            Optional.empty(),
            Map.of(),
            spec.env(),
            ClusterState.PENDING,
            List.of(),
            Map.of(),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            0,
            now,
            now,
            Map.of(),
            Map.of(),
            Map.of(),
            List.of(),
            Set.of(),
            Map.of()));
  }

  /** Builds a changed copy of a {@link Cluster}; not thread-safe. */
  public static final class Builder {
    private final Cluster base;
    private String namespace;
    private AppSpec spec;
    private Optional<AppSpec> previousSpec;
    private final Map<String, String> primaries;
    private Map<String, String> labels;
    private Map<String, String> env;
    private Map<String, Object> configValues;
    private Map<String, Object> params;
    private Map<String, String> dependencies;
    private List<PluginRef> plugins;
    private Set<String> activeRoles;
    private final Map<String, ElasticCounters> elasticity;
    private ClusterState state;

    /** Nodes put since the base record, by id, and ids removed since. */
    private final Map<String, Node> putNodes = new LinkedHashMap<>();

    private final java.util.Set<String> removedNodes = new java.util.HashSet<>();
    private final Map<String, Integer> lastIndex;
    private Optional<String> operation;
    private Optional<Lease> lease;
    private final List<String> history;
    private long version;
    private Instant updatedAt;

    private Builder(Cluster base) {
      this.base = base;
      this.namespace = base.namespace;
      this.spec = base.spec;
      this.previousSpec = base.previousSpec;
      this.primaries = new LinkedHashMap<>(base.primaries);
      this.labels = base.labels;
      this.env = base.env;
      this.configValues = base.configValues;
      this.params = base.params;
      this.dependencies = base.dependencies;
      this.plugins = base.plugins;
      this.activeRoles = base.activeRoles;
      this.elasticity = new TreeMap<>(base.elasticity);
      this.state = base.state;
      this.lastIndex = new LinkedHashMap<>(base.lastIndex);
      this.operation = base.operation;
      this.lease = base.lease;
      this.history = new ArrayList<>(base.history);
      this.version = base.version;
      this.updatedAt = base.updatedAt;
    }

    /**
     * Sets the namespace.
     *
     * @param value the namespace
     * @return this builder
     */
    public Builder namespace(String value) {
      this.namespace = value;
      return this;
    }

    /**
     * Sets the app spec.
     *
     * @param value the spec
     * @return this builder
     */
    public Builder spec(AppSpec value) {
      this.spec = value;
      return this;
    }

    /**
     * Sets or clears the spec that rollback returns to.
     *
     * @param value the previous spec, or empty
     * @return this builder
     */
    public Builder previousSpec(Optional<AppSpec> value) {
      this.previousSpec = Objects.requireNonNull(value, "previousSpec");
      return this;
    }

    /**
     * Records the primary node of a role.
     *
     * @param role the role
     * @param nodeId the node now primary
     * @return this builder
     */
    public Builder primary(String role, String nodeId) {
      primaries.put(role, nodeId);
      return this;
    }

    /**
     * Replaces the labels.
     *
     * @param value the labels
     * @return this builder
     */
    public Builder labels(Map<String, String> value) {
      this.labels = value;
      return this;
    }

    /**
     * Replaces the parameters.
     *
     * @param value the parameters
     * @return this builder
     */
    public Builder env(Map<String, String> value) {
      this.env = value;
      return this;
    }

    /**
     * Replaces the config values.
     *
     * @param value the values
     * @return this builder
     */
    public Builder configValues(Map<String, Object> value) {
      this.configValues = value;
      return this;
    }

    /**
     * Replaces the parameter values.
     *
     * @param value the values by parameter name
     * @return this builder
     */
    public Builder params(Map<String, Object> value) {
      this.params = value;
      return this;
    }

    /**
     * Replaces the dependencies.
     *
     * @param value dependency names mapped to {@code namespace/cluster}
     * @return this builder
     */
    public Builder dependencies(Map<String, String> value) {
      this.dependencies = value;
      return this;
    }

    /**
     * Replaces the roles the operation under way acts on (docs/design.md §3.6).
     *
     * @param value the role names
     * @return this builder
     */
    public Builder activeRoles(Set<String> value) {
      this.activeRoles = value;
      return this;
    }

    /**
     * Replaces the enabled plugins.
     *
     * @param value the plugins, in the order they apply
     * @return this builder
     */
    public Builder plugins(List<PluginRef> value) {
      this.plugins = value;
      return this;
    }

    /**
     * Sets the state.
     *
     * @param value the state
     * @return this builder
     */
    public Builder state(ClusterState value) {
      this.state = value;
      return this;
    }

    /**
     * Adds a node or replaces the node with the same id, keeping nodes sorted by role order in the
     * spec and then by index.
     *
     * @param node the node
     * @return this builder
     */
    public Builder putNode(Node node) {
      putNodes.put(node.id(), node);
      removedNodes.remove(node.id());
      lastIndex.merge(node.role(), node.index(), Math::max);
      return this;
    }

    /**
     * Removes a node from the record (its index stays used).
     *
     * @param nodeId the node id
     * @return this builder
     */
    public Builder removeNode(String nodeId) {
      putNodes.remove(nodeId);
      removedNodes.add(nodeId);
      return this;
    }

    /**
     * Sets the operation under way.
     *
     * @param value the operation id, or empty for none
     * @return this builder
     */
    public Builder operation(String value) {
      this.operation = Optional.of(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears the operation under way.
     *
     * @param value the operation id, or empty for none
     * @return this builder
     */
    public Builder operation(Optional<String> value) {
      this.operation = Objects.requireNonNull(value, "operation");
      return this;
    }

    /**
     * Sets or clears the lease of the operation under way.
     *
     * @param value the lease, or empty
     * @return this builder
     */
    public Builder lease(Optional<Lease> value) {
      this.lease = Objects.requireNonNull(value, "lease");
      return this;
    }

    /**
     * Appends an operation id to the history.
     *
     * @param operationId the operation id
     * @return this builder
     */
    public Builder addHistory(String operationId) {
      history.add(operationId);
      return this;
    }

    /**
     * Sets the record version.
     *
     * @param value the version
     * @return this builder
     */
    public Builder version(long value) {
      this.version = value;
      return this;
    }

    /**
     * Sets the time of the change.
     *
     * @param value the time
     * @return this builder
     */
    public Builder updatedAt(Instant value) {
      this.updatedAt = value;
      return this;
    }

    /**
     * Sets or, with null, removes the autoscaler's counters of a role.
     *
     * @param role the role
     * @param value the counters, or null
     * @return this builder
     */
    public Builder elasticity(String role, ElasticCounters value) {
      if (value == null) {
        elasticity.remove(role);
      } else {
        elasticity.put(role, value);
      }
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the cluster
     */
    public Cluster build() {
      primaries.keySet().removeIf(role -> spec.role(role).isEmpty());
      elasticity.keySet().removeIf(role -> spec.role(role).isEmpty());
      return new Cluster(
          base.id,
          base.name,
          namespace,
          spec,
          previousSpec,
          labels,
          env,
          state,
          nodes(),
          lastIndex,
          primaries,
          operation,
          lease,
          history,
          version,
          base.createdAt,
          updatedAt,
          configValues,
          params,
          dependencies,
          plugins,
          activeRoles,
          elasticity);
    }

    /** The nodes of the record being built: derived in place from the base's when it can be. */
    private List<Node> nodes() {
      NodeList before = (NodeList) base.nodes;
      // the same spec object keeps the role order, so replaced nodes keep their positions
      boolean sameOrder = spec == base.spec && removedNodes.isEmpty();
      if (sameOrder && putNodes.isEmpty()) {
        return before;
      }
      NodeList inPlace = sameOrder ? before.withReplaced(putNodes) : null;
      if (inPlace != null) {
        return inPlace;
      }
      Map<String, Node> all = new LinkedHashMap<>();
      before.forEach(n -> all.put(n.id(), n));
      all.keySet().removeAll(removedNodes);
      all.putAll(putNodes);
      Map<String, Integer> roleOrder = new HashMap<>();
      spec.roles().forEach(r -> roleOrder.putIfAbsent(r.name(), roleOrder.size()));
      List<Node> sorted = new ArrayList<>(all.values());
      sorted.sort(
          Comparator.<Node>comparingInt(n -> roleOrder.getOrDefault(n.role(), Integer.MAX_VALUE))
              .thenComparing(Node::role)
              .thenComparingInt(Node::index));
      return sorted;
    }
  }
}
