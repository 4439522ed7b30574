package io.clusterlifecycle.api.spec;

import io.clusterlifecycle.api.error.ValidationProblem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The merge rules of cluster config, labels and dependencies (docs/design.md §15). Config values
 * are JSON-like: text, {@link Long}, {@link Double}, {@link Boolean}, lists and maps with text
 * keys; {@link #normal(Object)} brings any other number to those two types so that equal values
 * compare equal. Stateless and thread-safe.
 */
public final class ConfigValues {
  private ConfigValues() {}

  /**
   * Returns a copy of a JSON-like value with integral numbers as {@link Long}, other numbers as
   * {@link Double}, and maps and lists copied, keeping order.
   *
   * @param value text, a number, a boolean, a list or a map; null stays null
   * @return the normal copy
   * @throws IllegalArgumentException if the value is of another type or a map key is not text
   */
  public static Object normal(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      BigDecimal d = new BigDecimal(n.toString());
      return d.stripTrailingZeros().scale() <= 0
              && d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
              && d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0
          ? (Object) d.longValue()
          : (Object) d.doubleValue();
    }
    if (value instanceof Map<?, ?> m) {
      return normalMap(m);
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(normal(v)));
      return Collections.unmodifiableList(out);
    }
    throw new IllegalArgumentException(
        "config values are text, numbers, booleans, lists and maps, was "
            + value.getClass().getSimpleName());
  }

  /**
   * Returns a normal, unmodifiable copy of a map of config values; null reads as empty.
   *
   * @param map the values; null values are kept (they mean "remove" in a change)
   * @return the copy, in the map's order
   * @throws IllegalArgumentException if a key is not text or a value is not JSON-like
   */
  public static Map<String, Object> normalMap(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (map != null) {
      map.forEach(
          (k, v) -> {
            if (!(k instanceof String key)) {
              throw new IllegalArgumentException("config keys are text, was " + k);
            }
            out.put(key, normal(v));
          });
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Deep-merges a change into config values: maps merge key by key, anything else replaces, and a
   * key whose value is {@code ""} or null is removed.
   *
   * @param base the values now
   * @param change the change
   * @return the merged values; neither argument is modified
   */
  public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> change) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    change.forEach(
        (k, v) -> {
          if (v == null || "".equals(v)) {
            out.remove(k);
          } else if (v instanceof Map<?, ?> m && out.get(k) instanceof Map<?, ?> old) {
            out.put(k, merge(normalMap(old), normalMap(m)));
          } else if (v instanceof Map<?, ?> m) {
            out.put(k, merge(Map.of(), normalMap(m)));
          } else {
            out.put(k, normal(v));
          }
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * Merges a change into a map of text (labels, dependencies): a key whose value is {@code ""} is
   * removed, any other value replaces.
   *
   * @param base the map now
   * @param change the change
   * @return the merged map, keeping the order of {@code base} then new keys
   */
  public static Map<String, String> mergeText(
      Map<String, String> base, Map<String, String> change) {
    Map<String, String> out = new LinkedHashMap<>(base);
    change.forEach(
        (k, v) -> {
          if (v == null || v.isEmpty()) {
            out.remove(k);
          } else {
            out.put(k, v);
          }
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * Computes a cluster's effective config: the spec's {@code config} defaults, then the cluster's
   * values deep-merged, then every parameter's value (given in {@code params}, else its default)
   * written at its path, later winning on the same key.
   *
   * @param spec the app spec
   * @param values the cluster's config values
   * @param params the cluster's parameter values by name; assumed valid ({@link #check})
   * @return the effective config
   */
  public static Map<String, Object> effective(
      AppSpec spec, Map<String, Object> values, Map<String, Object> params) {
    Map<String, Object> config = merge(merge(Map.of(), spec.config()), values);
    for (ParameterSpec p : spec.parameters()) {
      Object v =
          params.containsKey(p.name()) ? params.get(p.name()) : p.defaultValue().orElse(null);
      if (v != null && !"".equals(v)) {
        config = put(config, p.path().split("\\."), 0, written(p, coerce(p, v)));
      }
    }
    return config;
  }

  private static Map<String, Object> put(
      Map<String, Object> map, String[] path, int at, Object value) {
    Map<String, Object> out = new LinkedHashMap<>(map);
    if (at == path.length - 1) {
      out.put(path[at], value);
    } else {
      Object child = out.get(path[at]);
      Map<String, Object> next = child instanceof Map<?, ?> m ? normalMap(m) : Map.of();
      out.put(path[at], put(next, path, at + 1, value));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Object written(ParameterSpec p, Object typed) {
    if (p.unit().isEmpty()) {
      return typed;
    }
    return (typed instanceof Double d ? BigDecimal.valueOf(d).toPlainString() : typed) + p.unit();
  }

  /**
   * Reads a parameter's value as its type: text holding a number or boolean is read as one.
   *
   * @param p the parameter
   * @param value the value given
   * @return the typed value, or null when it cannot be read as the type
   */
  public static Object coerce(ParameterSpec p, Object value) {
    Object v = normal(value);
    return switch (p.type()) {
      case STRING ->
          v instanceof String || v instanceof Number || v instanceof Boolean
              ? String.valueOf(v)
              : null;
      case BOOLEAN ->
          v instanceof Boolean
              ? v
              : "true".equals(v) ? Boolean.TRUE : "false".equals(v) ? Boolean.FALSE : null;
      case INTEGER -> {
        Object n = number(v);
        yield n instanceof Long ? n : null;
      }
      case NUMBER -> number(v);
    };
  }

  private static Object number(Object v) {
    if (v instanceof Number) {
      return v;
    }
    if (v instanceof String s) {
      try {
        return normal(new BigDecimal(s.trim()));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * Checks parameter values against the spec's parameters, and config values on a parameter's path
   * against its type: unknown names, wrong types, values out of bounds or not allowed. A value
   * {@code ""} or null (a removal) is always accepted.
   *
   * @param spec the app spec
   * @param values config values (a change or the whole)
   * @param params parameter values by name (a change or the whole)
   * @param at the path prefix for problems, for example {@code request}
   * @return the problems, each naming the key
   */
  public static List<ValidationProblem> check(
      AppSpec spec, Map<String, Object> values, Map<String, Object> params, String at) {
    List<ValidationProblem> p = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    spec.parameters().forEach(ps -> names.add(ps.name()));
    params.forEach(
        (name, v) -> {
          ParameterSpec ps = spec.parameter(name).orElse(null);
          if (ps == null) {
            p.add(
                ValidationProblem.of(
                    at + ".params." + name,
                    "app "
                        + spec.name()
                        + " "
                        + spec.version()
                        + " declares no parameter '"
                        + name
                        + "'; its parameters are "
                        + (names.isEmpty() ? "none" : String.join(", ", names))));
          } else if (v != null && !"".equals(v)) {
            checkValue(ps, v, at + ".params." + name, p);
          }
        });
    for (ParameterSpec ps : spec.parameters()) {
      Object v = at(values, ps.path().split("\\."));
      if (v != null && !"".equals(v) && ps.unit().isEmpty()) {
        checkValue(ps, v, at + ".values." + ps.path(), p);
      }
    }
    return p;
  }

  /**
   * Checks one value against a parameter.
   *
   * @param ps the parameter
   * @param v the value
   * @param path the path to name in a problem
   * @param p where problems are added
   */
  static void checkValue(ParameterSpec ps, Object v, String path, List<ValidationProblem> p) {
    Object typed = coerce(ps, v);
    if (typed == null) {
      p.add(
          ValidationProblem.of(
              path,
              "must be " + ps.type().name().toLowerCase(java.util.Locale.ROOT) + ", was " + v));
      return;
    }
    if (typed instanceof Number n) {
      BigDecimal d = new BigDecimal(n.toString());
      if (ps.min().isPresent() && d.compareTo(ps.min().get()) < 0
          || ps.max().isPresent() && d.compareTo(ps.max().get()) > 0) {
        p.add(
            ValidationProblem.of(
                path,
                "must be within ["
                    + ps.min().map(BigDecimal::toPlainString).orElse("")
                    + ", "
                    + ps.max().map(BigDecimal::toPlainString).orElse("")
                    + "], was "
                    + v));
        return;
      }
    }
    if (!ps.allowed().isEmpty() && !ps.allowed().contains(String.valueOf(typed))) {
      p.add(ValidationProblem.of(path, "must be one of " + ps.allowed() + ", was " + v));
      return;
    }
    if (ps.secret() && !(typed instanceof String s && isSecretRef(s))) {
      p.add(
          ValidationProblem.of(
              path,
              "is a secret parameter: give a reference such as env:NAME or file:/path, never"
                  + " the secret's value"));
    }
  }

  private static boolean isSecretRef(String s) {
    try {
      SecretRef.parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Object at(Map<String, Object> values, String[] path) {
    Object cur = values;
    for (String seg : path) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(seg);
    }
    return cur;
  }

  /**
   * Flattens config into metadata keys: nested map keys joined by {@code /}, lists written as
   * JSON-like text, other values as text.
   *
   * @param config the effective config
   * @return key paths (without a leading {@code /}) mapped to text, in order
   */
  public static Map<String, String> flatten(Map<String, Object> config) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", config, out);
    return out;
  }

  private static void flatten(String prefix, Map<String, Object> m, Map<String, String> out) {
    m.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> child) {
            flatten(prefix + k + "/", normalMap(child), out);
          } else {
            out.put(prefix + k, text(v));
          }
        });
  }

  /**
   * Writes a config value as text: lists and maps as JSON, others as themselves.
   *
   * @param v the value
   * @return the text
   */
  public static String text(Object v) {
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(x -> parts.add(x instanceof String s ? quote(s) : text(x)));
      return "[" + String.join(",", parts) + "]";
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach(
          (k, x) ->
              parts.add(
                  quote(String.valueOf(k)) + ":" + (x instanceof String s ? quote(s) : text(x))));
      return "{" + String.join(",", parts) + "}";
    }
    return String.valueOf(Objects.requireNonNullElse(v, ""));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b.append('"').toString();
  }
}
