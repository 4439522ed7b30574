package io.clusterlifecycle.api.spec;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An immutable description of one version of an application: its roles, their resources and
 * lifecycle services, and cluster-wide parameters (docs/design.md §2).
 *
 * <p>Build one with {@link #builder(String, String)}, which validates the whole spec, or load one
 * with lifecycle-codec's {@code AppSpecFiles}. The canonical constructor only checks for nulls, so
 * a spec made with it should be checked with {@link #validate()} or {@link #requireValid()} before
 * use; the engine does so at every entry point.
 *
 * <pre>{@code
 * AppSpec zk = AppSpec.builder("zookeeper", "3.8.4")
 *     .env("tick_time", "2000")
 *     .role("zk", r -> r.count(3).maxNodes(9).cpu(2).memory(4096)
 *         .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
 *         .service("init", "zk-init.sh")
 *         .service("start", s -> s.cmd("zkServer.sh start").order(1)))
 *     .build();
 * }</pre>
 *
 * <p>Secrets (passwords, tokens, keys) are never values of a spec: {@code secrets} maps a secret's
 * name to a {@link SecretRef} saying where the engine finds its value, and a service lists under
 * {@link ServiceSpec#secrets()} the names it needs, which its command then gets as environment
 * variables (docs/design.md §2, §11). An {@code env} key that looks like a secret ({@link
 * #looksLikeSecret(String)}) with a non-empty value is refused by {@link #validate()}.
 *
 * @param name the application name; required
 * @param version the application version that upgrade moves between; required
 * @param env cluster-wide parameters, published under {@code /env}, in declaration order
 * @param roles the roles, at least one, with unique names
 * @param secrets secret names mapped to references ({@code env:VAR}, {@code file:/path}, {@code
 *     host:key}), in declaration order; the values are never part of the spec
 * @param config the default config values, nested and JSON-like ({@link ConfigValues}), which a
 *     cluster's values and parameters override; published under {@code /env} beside {@code env}
 * @param parameters the typed parameters users may set, in declaration order
 * @param deployment how the roles are taken down: together, or in the reverse of their start order
 */
public record AppSpec(
    String name,
    String version,
    Map<String, String> env,
    List<RoleSpec> roles,
    Map<String, String> secrets,
    Map<String, Object> config,
    List<ParameterSpec> parameters,
    Deployment deployment) {

  /**
   * Checks for nulls and copies the collections, keeping declaration order.
   *
   * @param name the application name
   * @param version the application version
   * @param env cluster-wide parameters; copied
   * @param roles the roles; copied
   * @param secrets secret names mapped to references; copied
   * @param config default config values; copied and normalised; null reads as empty
   * @param parameters typed parameters; copied; null reads as empty
   * @param deployment how the roles are taken down; null reads as {@link Deployment#NONE}
   * @throws NullPointerException if a component, an env or secrets key or value, or a role is null
   * @throws IllegalArgumentException if a config value is not JSON-like
   */
  public AppSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    env.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "env key");
          Objects.requireNonNull(v, "env value of " + k);
        });
    roles = List.copyOf(roles);
    secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    secrets.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "secret name");
          Objects.requireNonNull(v, "reference of secret " + k);
        });
    config = ConfigValues.normalMap(config);
    parameters = parameters == null ? List.of() : List.copyOf(parameters);
    deployment = deployment == null ? Deployment.NONE : deployment;
  }

  /**
   * Creates a spec whose roles are taken down together.
   *
   * @param name the application name
   * @param version the application version
   * @param env cluster-wide parameters; copied
   * @param roles the roles; copied
   * @param secrets secret names mapped to references; copied
   * @param config default config values; copied and normalised; null reads as empty
   * @param parameters typed parameters; copied; null reads as empty
   */
  public AppSpec(
      String name,
      String version,
      Map<String, String> env,
      List<RoleSpec> roles,
      Map<String, String> secrets,
      Map<String, Object> config,
      List<ParameterSpec> parameters) {
    this(name, version, env, roles, secrets, config, parameters, Deployment.NONE);
  }

  /**
   * Creates a spec without config defaults or parameters.
   *
   * @param name the application name
   * @param version the application version
   * @param env cluster-wide parameters; copied
   * @param roles the roles; copied
   * @param secrets secret names mapped to references; copied
   * @throws NullPointerException if a component, an env or secrets key or value, or a role is null
   */
  public AppSpec(
      String name,
      String version,
      Map<String, String> env,
      List<RoleSpec> roles,
      Map<String, String> secrets) {
    this(name, version, env, roles, secrets, Map.of(), List.of());
  }

  /**
   * Looks up a typed parameter by name.
   *
   * @param parameterName the name
   * @return the parameter, or empty when the app declares none of that name
   */
  public Optional<ParameterSpec> parameter(String parameterName) {
    return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
  }

  /**
   * Creates a spec without secrets.
   *
   * @param name the application name
   * @param version the application version
   * @param env cluster-wide parameters; copied
   * @param roles the roles; copied
   * @throws NullPointerException if a component, an env key or value, or a role is null
   */
  public AppSpec(String name, String version, Map<String, String> env, List<RoleSpec> roles) {
    this(name, version, env, roles, Map.of());
  }

  /**
   * Tells whether an {@code env} key names what should be a secret: it contains {@code PASSWORD},
   * {@code SECRET} or {@code TOKEN}, or ends with {@code _KEY}, in any case. Such a key with a
   * non-empty value is a validation problem: its value would be stored and published in plain text.
   *
   * @param key an env key
   * @return true when the key looks like a secret's
   */
  public static boolean looksLikeSecret(String key) {
    String k = key.toUpperCase(java.util.Locale.ROOT);
    return k.contains("PASSWORD")
        || k.contains("SECRET")
        || k.contains("TOKEN")
        || k.endsWith("_KEY");
  }

  /**
   * Looks up where a declared secret's value is found.
   *
   * @param secretName a name declared under {@link #secrets()}
   * @return the parsed reference, or empty when the name is not declared
   * @throws IllegalArgumentException if the declared reference is malformed (a spec that passed
   *     {@link #validate()} has none)
   */
  public Optional<SecretRef> secretRef(String secretName) {
    return Optional.ofNullable(secrets.get(secretName)).map(SecretRef::parse);
  }

  /**
   * Starts a builder for an application version.
   *
   * @param name the application name
   * @param version the application version
   * @return a builder with no env and no roles
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(String name, String version) {
    return new Builder(name, version);
  }

  /**
   * Starts a builder holding this spec's settings, for example to make the next version.
   *
   * @return a builder to tweak a copy
   */
  public Builder toBuilder() {
    Builder b = new Builder(name, version).env(env).secrets(secrets).config(config);
    b.parameters.addAll(parameters);
    b.deployment = deployment;
    b.roles.addAll(roles);
    return b;
  }

  /**
   * Looks up a role by name.
   *
   * @param roleName the role name
   * @return the role, or empty when the app has no such role
   */
  public Optional<RoleSpec> role(String roleName) {
    for (RoleSpec r : roles) {
      if (r.name().equals(roleName)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the number of nodes a new cluster of this spec gets.
   *
   * @return the sum of the roles' counts
   */
  public long totalNodes() {
    return roles.stream().mapToLong(RoleSpec::count).sum();
  }

  /**
   * Checks the whole spec (names, counts and bounds, resources, policies, service settings) and
   * returns every problem found.
   *
   * @return the problems in declaration order; empty when the spec is valid
   */
  public List<ValidationProblem> validate() {
    return SpecValidator.validate(this);
  }

  /**
   * Returns what the spec allows but is most likely a mistake, such as a service named one edit
   * away from a standard service ({@code strat} for {@code start}). Warnings never fail a request;
   * the command-line tool prints them.
   *
   * @return the warnings in declaration order; empty when there is none
   */
  public List<ValidationProblem> warnings() {
    return SpecWarnings.of(this);
  }

  /**
   * Checks the whole spec and fails when anything is wrong.
   *
   * @return this spec, when it is valid
   * @throws ValidationException listing every problem found
   */
  public AppSpec requireValid() {
    List<ValidationProblem> problems = validate();
    if (!problems.isEmpty()) {
      throw new ValidationException("app spec " + name + " " + version, problems);
    }
    return this;
  }

  /**
   * Fills the content of the templates that name a {@code source} from the app's files (its
   * directory or archive, docs/design.md §15); templates with content keep it.
   *
   * @param files the app's files by path relative to its directory or archive root
   * @return this spec with every template's content known
   * @throws ValidationException naming each template whose source is not among {@code files}
   */
  public AppSpec withTemplateSources(Map<String, String> files) {
    List<ValidationProblem> missing = new ArrayList<>();
    List<RoleSpec> resolved = new ArrayList<>();
    for (int i = 0; i < roles.size(); i++) {
      RoleSpec role = roles.get(i);
      List<TemplateSpec> templates = new ArrayList<>();
      for (int j = 0; j < role.templates().size(); j++) {
        TemplateSpec t = role.templates().get(j);
        if (t.source().isPresent() && t.content().isEmpty()) {
          String text = files.get(t.source().get());
          if (text == null) {
            missing.add(
                ValidationProblem.of(
                    "roles[" + i + "].templates[" + j + "].source",
                    "file '" + t.source().get() + "' is not among the app's files"));
            continue;
          }
          t = t.withContent(text);
        }
        templates.add(t);
      }
      resolved.add(
          new RoleSpec(
              role.name(),
              role.count(),
              role.minNodes(),
              role.maxNodes(),
              role.cpu(),
              role.memory(),
              role.image(),
              role.volume(),
              role.advancedActions(),
              role.verticalScalingPolicy(),
              role.upgradingPolicy(),
              role.services(),
              templates,
              role.elasticityPolicies(),
              role.scheduledPolicies()));
    }
    if (!missing.isEmpty()) {
      throw new ValidationException("app spec " + name + " " + version, missing);
    }
    return new AppSpec(name, version, env, resolved, secrets, config, parameters, deployment);
  }

  /** Builds an {@link AppSpec}; not thread-safe. */
  public static final class Builder {
    private final String name;
    private String version;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final List<RoleSpec> roles = new ArrayList<>();
    private Map<String, Object> config = Map.of();
    private final List<ParameterSpec> parameters = new ArrayList<>();
    private Deployment deployment = Deployment.NONE;

    Builder(String name, String version) {
      this.name = Objects.requireNonNull(name, "name");
      this.version = Objects.requireNonNull(version, "version");
    }

    /**
     * Sets the version, for example when deriving the next version with {@link #toBuilder()}.
     *
     * @param version the application version
     * @return this builder
     */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * Sets one cluster-wide parameter.
     *
     * @param key the parameter name, published as {@code /env/<key>}
     * @param value its value
     * @return this builder
     */
    public Builder env(String key, String value) {
      env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets several cluster-wide parameters.
     *
     * @param values parameters to add or replace
     * @return this builder
     */
    public Builder env(Map<String, String> values) {
      values.forEach(this::env);
      return this;
    }

    /**
     * Declares one secret: its name and where its value is found, never the value.
     *
     * @param secretName the variable name the services that list it get, such as {@code
     *     DB_PASSWORD}
     * @param reference where the value is, such as {@code env:DB_PASSWORD}, {@code
     *     file:/run/secrets/db} or {@code host:db-password} ({@link SecretRef})
     * @return this builder
     */
    public Builder secret(String secretName, String reference) {
      secrets.put(
          Objects.requireNonNull(secretName, "secretName"),
          Objects.requireNonNull(reference, "reference"));
      return this;
    }

    /**
     * Declares several secrets.
     *
     * @param references secret names mapped to references, added or replaced
     * @return this builder
     */
    public Builder secrets(Map<String, String> references) {
      references.forEach(this::secret);
      return this;
    }

    /**
     * Adds a role configured by {@code spec}.
     *
     * @param roleName the role name
     * @param spec sets the role's settings and services on a fresh builder
     * @return this builder
     */
    public Builder role(String roleName, Consumer<RoleSpec.Builder> spec) {
      RoleSpec.Builder b = RoleSpec.builder(roleName);
      spec.accept(b);
      return role(b.build());
    }

    /**
     * Sets the default config values.
     *
     * @param values nested JSON-like values; copied
     * @return this builder
     */
    public Builder config(Map<String, Object> values) {
      this.config = ConfigValues.normalMap(Objects.requireNonNull(values, "values"));
      return this;
    }

    /**
     * Sets how the roles are taken down.
     *
     * @param value {@link Deployment#STRAIGHT} to stop and delete roles in the reverse of their
     *     start order
     * @return this builder
     */
    public Builder deployment(Deployment value) {
      this.deployment = Objects.requireNonNull(value, "deployment");
      return this;
    }

    /**
     * Adds a typed parameter.
     *
     * @param parameter the parameter
     * @return this builder
     */
    public Builder parameter(ParameterSpec parameter) {
      parameters.add(Objects.requireNonNull(parameter, "parameter"));
      return this;
    }

    /**
     * Adds a role.
     *
     * @param role the role
     * @return this builder
     */
    public Builder role(RoleSpec role) {
      roles.add(Objects.requireNonNull(role, "role"));
      return this;
    }

    /**
     * Replaces a role of the same name, for example to change a count in a copy.
     *
     * @param role the new role
     * @return this builder
     * @throws IllegalArgumentException if no role has that name
     */
    public Builder replaceRole(RoleSpec role) {
      for (int i = 0; i < roles.size(); i++) {
        if (roles.get(i).name().equals(role.name())) {
          roles.set(i, role);
          return this;
        }
      }
      throw new IllegalArgumentException("no role named " + role.name());
    }

    /**
     * Builds and validates the spec.
     *
     * @return the spec
     * @throws ValidationException listing every problem found
     */
    public AppSpec build() {
      return new AppSpec(name, version, env, roles, secrets, config, parameters, deployment)
          .requireValid();
    }
  }
}
