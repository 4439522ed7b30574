package io.clusterlifecycle.api.spec;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A typed config parameter of an app (the release manager's flat {@code metainfoParams}): a name
 * users set, the config path it writes, its type, default, bounds and allowed values. A parameter's
 * value (given, or its default) wins over the raw config values on the same path (docs/design.md
 * §14).
 *
 * @param name what users set, for example {@code limitsCpu}; letters, digits, {@code _ . -}
 * @param type the value's type
 * @param defaultValue the value when none is given; empty: the path keeps what config values say
 * @param description what it does, for people
 * @param min the lowest number allowed (numbers only)
 * @param max the highest number allowed (numbers only)
 * @param allowed the only values allowed, as text; empty allows any
 * @param secret whether the value is a secret reference ({@code env:NAME} or {@code file:/path}),
 *     never a secret's value; shown masked
 * @param path the dot-separated config path it writes, for example {@code
 *     appConfig.zookeeper.resources.cpu_limit}
 * @param unit text appended to the value when written, for example {@code Gi} writes {@code 4} as
 *     {@code "4Gi"}; empty writes the typed value
 */
public record ParameterSpec(
    String name,
    ParameterType type,
    Optional<Object> defaultValue,
    String description,
    Optional<BigDecimal> min,
    Optional<BigDecimal> max,
    List<String> allowed,
    boolean secret,
    String path,
    String unit) {

  /**
   * Checks for nulls and copies the allowed values; an empty path means the name.
   *
   * @param name the name
   * @param type the type
   * @param defaultValue the default
   * @param description the description
   * @param min the lowest number
   * @param max the highest number
   * @param allowed allowed values; copied
   * @param secret whether the value is a secret reference
   * @param path the config path; empty: the name
   * @param unit the unit suffix
   * @throws NullPointerException if a component is null
   */
  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    defaultValue = Objects.requireNonNull(defaultValue, "defaultValue").map(ConfigValues::normal);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    allowed = List.copyOf(allowed);
    path = Objects.requireNonNull(path, "path").isEmpty() ? name : path;
    Objects.requireNonNull(unit, "unit");
  }

  /**
   * Starts a builder.
   *
   * @param name the parameter's name
   * @param type its type
   * @return a builder with no default, bounds or unit, writing the path equal to the name
   */
  public static Builder builder(String name, ParameterType type) {
    return new Builder(name, type);
  }

  /** Builds a {@link ParameterSpec}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final ParameterType type;
    private Object defaultValue;
    private String description = "";
    private BigDecimal min;
    private BigDecimal max;
    private List<String> allowed = List.of();
    private boolean secret;
    private String path = "";
    private String unit = "";

    private Builder(String name, ParameterType type) {
      this.name = Objects.requireNonNull(name, "name");
      this.type = Objects.requireNonNull(type, "type");
    }

    /**
     * Sets the default.
     *
     * @param value the default value
     * @return this builder
     */
    public Builder defaultValue(Object value) {
      this.defaultValue = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * Sets the description.
     *
     * @param value the text
     * @return this builder
     */
    public Builder description(String value) {
      this.description = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * Sets the bounds, inclusive.
     *
     * @param low the lowest number, or null for none
     * @param high the highest number, or null for none
     * @return this builder
     */
    public Builder range(BigDecimal low, BigDecimal high) {
      this.min = low;
      this.max = high;
      return this;
    }

    /**
     * Sets the only values allowed.
     *
     * @param values the values as text
     * @return this builder
     */
    public Builder allowed(List<String> values) {
      this.allowed = List.copyOf(values);
      return this;
    }

    /**
     * Marks the value a secret reference.
     *
     * @return this builder
     */
    public Builder secret() {
      this.secret = true;
      return this;
    }

    /**
     * Sets the config path it writes.
     *
     * @param value a dot-separated path
     * @return this builder
     */
    public Builder path(String value) {
      this.path = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * Sets the unit suffix.
     *
     * @param value for example {@code Gi}
     * @return this builder
     */
    public Builder unit(String value) {
      this.unit = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * Builds the parameter.
     *
     * @return the parameter
     */
    public ParameterSpec build() {
      return new ParameterSpec(
          name,
          type,
          Optional.ofNullable(defaultValue),
          description,
          Optional.ofNullable(min),
          Optional.ofNullable(max),
          allowed,
          secret,
          path,
          unit);
    }
  }
}
