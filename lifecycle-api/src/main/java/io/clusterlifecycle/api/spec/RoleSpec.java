package io.clusterlifecycle.api.spec;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A group of identical nodes of an application (docs/design.md §2): how many, how big, what image,
 * and the services that run on them.
 *
 * <p>Defaults: count {@value #DEFAULT_COUNT}, min_nodes {@value #DEFAULT_MIN_NODES}, no upper bound
 * ({@link #UNBOUNDED}), {@value #DEFAULT_CPU} core, {@value #DEFAULT_MEMORY_MIB} MiB, no image, no
 * volume, no advanced actions, {@link ExecutionPolicy#PARALLEL} for vertical scaling and upgrade.
 *
 * @param name the role name, {@code [a-z][a-z0-9-]{0,39}}, unique in its app (file key {@code
 *     role})
 * @param count the node count a new cluster gets
 * @param minNodes fewest nodes the role may shrink to
 * @param maxNodes most nodes the role may grow to, or {@link #UNBOUNDED}
 * @param cpu cores per node, {@code >= 1}
 * @param memory MiB per node, {@code >= 1}
 * @param image image or template the provider boots, if any
 * @param volume the data volume of each node, if any
 * @param advancedActions abilities the role opts into, such as adding and deleting nodes
 * @param verticalScalingPolicy how nodes go through a cpu/memory change
 * @param upgradingPolicy how nodes go through an upgrade
 * @param services the role's services by name, in the order they were declared
 * @param templates the config files rendered on its nodes, in the order they were declared
 * @param elasticityPolicies rules that change the node count from metrics (docs/design.md §6.14)
 * @param scheduledPolicies changes of the node count at set times (docs/design.md §6.14)
 */
public record RoleSpec(
    String name,
    int count,
    int minNodes,
    int maxNodes,
    int cpu,
    int memory,
    Optional<String> image,
    Optional<VolumeSpec> volume,
    Set<AdvancedAction> advancedActions,
    ExecutionPolicy verticalScalingPolicy,
    ExecutionPolicy upgradingPolicy,
    Map<String, ServiceSpec> services,
    List<TemplateSpec> templates,
    List<ElasticityPolicy> elasticityPolicies,
    List<ScheduledPolicy> scheduledPolicies) {

  /** Node count used when none is given. */
  public static final int DEFAULT_COUNT = 1;

  /** Minimum node count used when none is given. */
  public static final int DEFAULT_MIN_NODES = 1;

  /** Value of {@link #maxNodes()} meaning the role has no upper bound. */
  public static final int UNBOUNDED = Integer.MAX_VALUE;

  /** Largest node count accepted for one role. */
  public static final int MAX_COUNT = 100_000;

  /** Cores per node used when none is given. */
  public static final int DEFAULT_CPU = 1;

  /** Largest core count accepted per node. */
  public static final int MAX_CPU = 4_096;

  /** MiB per node used when none is given. */
  public static final int DEFAULT_MEMORY_MIB = 1_024;

  /** Largest memory accepted per node, in MiB (64 TiB). */
  public static final int MAX_MEMORY_MIB = 67_108_864;

  /**
   * Checks for nulls and copies the collections, keeping the services' declaration order.
   *
   * @param name the role name
   * @param count the node count a new cluster gets
   * @param minNodes fewest nodes the role may shrink to
   * @param maxNodes most nodes the role may grow to, or {@link #UNBOUNDED}
   * @param cpu cores per node
   * @param memory MiB per node
   * @param image image or template the provider boots, if any
   * @param volume the data volume of each node, if any
   * @param advancedActions abilities the role opts into; copied
   * @param verticalScalingPolicy how nodes go through a cpu/memory change
   * @param upgradingPolicy how nodes go through an upgrade
   * @param services the role's services by name; copied, keeping their order
   * @param templates the config files rendered on its nodes; copied
   * @param elasticityPolicies rules that change the node count from metrics; copied
   * @param scheduledPolicies changes of the node count at set times; copied
   * @throws NullPointerException if a reference component is null
   */
  public RoleSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(volume, "volume");
    Objects.requireNonNull(verticalScalingPolicy, "verticalScalingPolicy");
    Objects.requireNonNull(upgradingPolicy, "upgradingPolicy");
    advancedActions =
        advancedActions.isEmpty()
            ? Collections.unmodifiableSet(EnumSet.noneOf(AdvancedAction.class))
            : Collections.unmodifiableSet(EnumSet.copyOf(advancedActions));
    services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
    services.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "service name");
          Objects.requireNonNull(v, "service " + k);
        });
    templates = List.copyOf(templates);
    elasticityPolicies = List.copyOf(elasticityPolicies);
    scheduledPolicies = List.copyOf(scheduledPolicies);
  }

  /**
   * A role without templates.
   *
   * @param name the role name
   * @param count the node count a new cluster gets
   * @param minNodes fewest nodes the role may shrink to
   * @param maxNodes most nodes the role may grow to, or {@link #UNBOUNDED}
   * @param cpu cores per node
   * @param memory MiB per node
   * @param image image or template the provider boots, if any
   * @param volume the data volume of each node, if any
   * @param advancedActions abilities the role opts into; copied
   * @param verticalScalingPolicy how nodes go through a cpu/memory change
   * @param upgradingPolicy how nodes go through an upgrade
   * @param services the role's services by name; copied, keeping their order
   */
  public RoleSpec(
      String name,
      int count,
      int minNodes,
      int maxNodes,
      int cpu,
      int memory,
      Optional<String> image,
      Optional<VolumeSpec> volume,
      Set<AdvancedAction> advancedActions,
      ExecutionPolicy verticalScalingPolicy,
      ExecutionPolicy upgradingPolicy,
      Map<String, ServiceSpec> services) {
    this(
        name,
        count,
        minNodes,
        maxNodes,
        cpu,
        memory,
        image,
        volume,
        advancedActions,
        verticalScalingPolicy,
        upgradingPolicy,
        services,
        List.of(),
        List.of(),
        List.of());
  }

  /**
   * Starts a builder for a role.
   *
   * @param name the role name
   * @return a builder with every setting at its default
   * @throws NullPointerException if {@code name} is null
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Starts a builder holding this role's settings.
   *
   * @return a builder to tweak a copy
   */
  public Builder toBuilder() {
    Builder b =
        new Builder(name)
            .count(count)
            .minNodes(minNodes)
            .maxNodes(maxNodes)
            .cpu(cpu)
            .memory(memory)
            .verticalScalingPolicy(verticalScalingPolicy)
            .upgradingPolicy(upgradingPolicy);
    b.image = image.orElse(null);
    b.volume = volume.orElse(null);
    b.advancedActions.addAll(advancedActions);
    b.services.putAll(services);
    b.templates.addAll(templates);
    b.elasticityPolicies.addAll(elasticityPolicies);
    b.scheduledPolicies.addAll(scheduledPolicies);
    return b;
  }

  /**
   * Looks up one of the role's services.
   *
   * @param serviceName a service name such as {@code start}
   * @return the service, or empty when the role does not define it
   */
  public Optional<ServiceSpec> service(String serviceName) {
    return Optional.ofNullable(services.get(serviceName));
  }

  /**
   * Looks up one of the role's standard services.
   *
   * @param service a standard service
   * @return the service, or empty when the role does not define it
   */
  public Optional<ServiceSpec> service(StandardService service) {
    return service(service.serviceName());
  }

  /**
   * Tells whether the role opted into an advanced action.
   *
   * @param action the action
   * @return true when {@link #advancedActions()} contains it
   */
  public boolean allows(AdvancedAction action) {
    return advancedActions.contains(action);
  }

  /** Builds a {@link RoleSpec}; not thread-safe. */
  public static final class Builder {
    private final String name;
    private int count = DEFAULT_COUNT;
    private int minNodes = DEFAULT_MIN_NODES;
    private int maxNodes = UNBOUNDED;
    private int cpu = DEFAULT_CPU;
    private int memory = DEFAULT_MEMORY_MIB;
    private String image;
    private VolumeSpec volume;
    private final Set<AdvancedAction> advancedActions = EnumSet.noneOf(AdvancedAction.class);
    private ExecutionPolicy verticalScalingPolicy = ExecutionPolicy.PARALLEL;
    private ExecutionPolicy upgradingPolicy = ExecutionPolicy.PARALLEL;
    private final Map<String, ServiceSpec> services = new LinkedHashMap<>();
    private final List<TemplateSpec> templates = new java.util.ArrayList<>();
    private final List<ElasticityPolicy> elasticityPolicies = new java.util.ArrayList<>();
    private final List<ScheduledPolicy> scheduledPolicies = new java.util.ArrayList<>();

    Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Sets the node count a new cluster gets.
     *
     * @param count within [min_nodes, max_nodes]
     * @return this builder
     */
    public Builder count(int count) {
      this.count = count;
      return this;
    }

    /**
     * Sets the fewest nodes the role may shrink to.
     *
     * @param minNodes {@code >= 0}
     * @return this builder
     */
    public Builder minNodes(int minNodes) {
      this.minNodes = minNodes;
      return this;
    }

    /**
     * Sets the most nodes the role may grow to.
     *
     * @param maxNodes {@code >= 1}, or {@link #UNBOUNDED}
     * @return this builder
     */
    public Builder maxNodes(int maxNodes) {
      this.maxNodes = maxNodes;
      return this;
    }

    /**
     * Sets the cores per node.
     *
     * @param cpu {@code >= 1}
     * @return this builder
     */
    public Builder cpu(int cpu) {
      this.cpu = cpu;
      return this;
    }

    /**
     * Sets the memory per node.
     *
     * @param memoryMib MiB, {@code >= 1}
     * @return this builder
     */
    public Builder memory(int memoryMib) {
      this.memory = memoryMib;
      return this;
    }

    /**
     * Sets the image or template the provider boots.
     *
     * @param image the image, or null for the provider's default
     * @return this builder
     */
    public Builder image(String image) {
      this.image = image;
      return this;
    }

    /**
     * Gives every node a data volume.
     *
     * @param sizeGib size in GiB
     * @param mountPoint absolute mount path
     * @return this builder
     */
    public Builder volume(int sizeGib, String mountPoint) {
      return volume(new VolumeSpec(sizeGib, mountPoint));
    }

    /**
     * Gives every node a data volume, or none.
     *
     * @param volume the volume, or null for none
     * @return this builder
     */
    public Builder volume(VolumeSpec volume) {
      this.volume = volume;
      return this;
    }

    /**
     * Opts the role into advanced actions, in addition to those already set.
     *
     * @param actions the actions
     * @return this builder
     */
    public Builder advancedActions(AdvancedAction... actions) {
      advancedActions.addAll(List.of(actions));
      return this;
    }

    /**
     * Sets how nodes go through a cpu/memory change.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder verticalScalingPolicy(ExecutionPolicy policy) {
      this.verticalScalingPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how nodes go through an upgrade.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder upgradingPolicy(ExecutionPolicy policy) {
      this.upgradingPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Adds or replaces a service.
     *
     * @param serviceName a standard or custom service name
     * @param service the service
     * @return this builder
     */
    public Builder service(String serviceName, ServiceSpec service) {
      services.put(
          Objects.requireNonNull(serviceName, "serviceName"),
          Objects.requireNonNull(service, "service"));
      return this;
    }

    /**
     * Adds or replaces a service with default settings.
     *
     * @param serviceName a standard or custom service name
     * @param cmd the shell command
     * @return this builder
     */
    public Builder service(String serviceName, String cmd) {
      return service(serviceName, ServiceSpec.of(cmd));
    }

    /**
     * Adds or replaces a service configured by {@code spec}.
     *
     * @param serviceName a standard or custom service name
     * @param spec sets the service's command and settings on a fresh builder
     * @return this builder
     */
    public Builder service(String serviceName, Consumer<ServiceSpec.Builder> spec) {
      ServiceSpec.Builder b = new ServiceSpec.Builder();
      spec.accept(b);
      return service(serviceName, b.build());
    }

    /**
     * Adds or replaces a standard service configured by {@code spec}.
     *
     * @param service the standard service
     * @param spec sets the service's command and settings on a fresh builder
     * @return this builder
     */
    public Builder service(StandardService service, Consumer<ServiceSpec.Builder> spec) {
      return service(service.serviceName(), spec);
    }

    /**
     * Adds or replaces a standard service with default settings.
     *
     * @param service the standard service
     * @param cmd the shell command
     * @return this builder
     */
    public Builder service(StandardService service, String cmd) {
      return service(service.serviceName(), cmd);
    }

    /**
     * Adds a config file rendered on the role's nodes; templates are kept in the order added.
     *
     * @param template the template
     * @return this builder
     */
    public Builder template(TemplateSpec template) {
      templates.add(Objects.requireNonNull(template, "template"));
      return this;
    }

    /**
     * Adds a config file rendered on the role's nodes from an inline template.
     *
     * @param destination where the rendered file goes on the node
     * @param content the Mustache template text
     * @return this builder
     */
    public Builder template(String destination, String content) {
      return template(TemplateSpec.inline(destination, content));
    }

    /**
     * Adds an elasticity policy; policies are kept in the order added.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder elasticityPolicy(ElasticityPolicy policy) {
      elasticityPolicies.add(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Adds a scheduled policy; policies are kept in the order added.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder scheduledPolicy(ScheduledPolicy policy) {
      scheduledPolicies.add(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Builds the role. Ranges are checked when the enclosing {@link AppSpec} is built.
     *
     * @return the role
     */
    public RoleSpec build() {
      return new RoleSpec(
          name,
          count,
          minNodes,
          maxNodes,
          cpu,
          memory,
          Optional.ofNullable(image),
          Optional.ofNullable(volume),
          advancedActions,
          verticalScalingPolicy,
          upgradingPolicy,
          services,
          templates,
          elasticityPolicies,
          scheduledPolicies);
    }
  }
}
