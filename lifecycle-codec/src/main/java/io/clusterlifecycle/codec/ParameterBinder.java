package io.clusterlifecycle.codec;

import io.clusterlifecycle.api.spec.ParameterSpec;
import io.clusterlifecycle.api.spec.ParameterType;
import io.clusterlifecycle.codec.SpecTree.Field;
import io.clusterlifecycle.codec.SpecTree.ListNode;
import io.clusterlifecycle.codec.SpecTree.Loc;
import io.clusterlifecycle.codec.SpecTree.MapNode;
import io.clusterlifecycle.codec.SpecTree.Node;
import io.clusterlifecycle.codec.SpecTree.ScalarNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a spec's {@code config} (nested values) and {@code parameters} (typed parameters), adding a
 * located problem for every key or value of the wrong shape.
 */
final class ParameterBinder {
  static final List<String> PARAMETER_KEYS =
      List.of(
          "name", "type", "default", "description", "min", "max", "enum", "secret", "path", "unit");

  /** Where problems go: a path, the location and the reason. */
  interface Problems {
    void add(String path, Loc loc, String reason);
  }

  private final Problems problems;

  ParameterBinder(Problems problems) {
    this.problems = problems;
  }

  /** The plain value of a node: maps, lists, text, numbers, booleans; null for a YAML null. */
  static Object plain(Node n) {
    if (n instanceof MapNode m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.fields().values().forEach(f -> out.put(f.key(), plain(f.value())));
      return Collections.unmodifiableMap(out);
    }
    if (n instanceof ListNode l) {
      List<Object> out = new ArrayList<>();
      l.items().forEach(i -> out.add(plain(i)));
      return Collections.unmodifiableList(out);
    }
    return ((ScalarNode) n).value();
  }

  Map<String, Object> config(String path, Node n) {
    if (!(n instanceof MapNode)) {
      problems.add(path, n.loc(), "must be a mapping of config keys to values, was " + n.kind());
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) plain(n);
    return m;
  }

  List<ParameterSpec> parameters(String path, Node n) {
    if (!(n instanceof ListNode list)) {
      problems.add(path, n.loc(), "must be a list of parameters, was " + n.kind());
      return List.of();
    }
    List<ParameterSpec> out = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      out.add(parameter(path + "[" + i + "]", list.items().get(i)));
    }
    return out;
  }

  private ParameterSpec parameter(String at, Node node) {
    if (!(node instanceof MapNode m)) {
      problems.add(at, node.loc(), "must be a parameter with name and type, was " + node.kind());
      return ParameterSpec.builder("unbound", ParameterType.STRING).build();
    }
    for (Field f : m.fields().values()) {
      if (!PARAMETER_KEYS.contains(f.key())) {
        problems.add(
            at + "." + f.key(),
            f.keyLoc(),
            "unknown key; known keys here: " + String.join(", ", PARAMETER_KEYS));
      }
    }
    String name = text(m, at, "name", false);
    name = name == null ? "" : name;
    String typeName = text(m, at, "type", true);
    ParameterType type = null;
    if (typeName != null) {
      try {
        type = ParameterType.valueOf(typeName.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(
            at + ".type",
            m.fields().get("type").value().loc(),
            "must be one of string, integer, number, boolean, was " + typeName);
      }
    }
    if (type == null) {
      // keeps its place, so that the parameters after it keep their paths
      return ParameterSpec.builder(name, ParameterType.STRING).build();
    }
    ParameterSpec.Builder b = ParameterSpec.builder(name, type);
    Field d = m.fields().get("default");
    if (d != null && plain(d.value()) != null) {
      Object v = plain(d.value());
      if (v instanceof Map || v instanceof List) {
        problems.add(
            at + ".default", d.value().loc(), "must be a single value, was " + d.value().kind());
      } else {
        b.defaultValue(v);
      }
    }
    String description = text(m, at, "description", false);
    if (description != null) {
      b.description(description);
    }
    b.range(number(m, at, "min"), number(m, at, "max"));
    Field e = m.fields().get("enum");
    if (e != null) {
      if (e.value() instanceof ListNode values) {
        b.allowed(values.items().stream().map(v -> String.valueOf(plain(v))).toList());
      } else {
        problems.add(
            at + ".enum", e.value().loc(), "must be a list of values, was " + e.value().kind());
      }
    }
    Field s = m.fields().get("secret");
    if (s != null) {
      if (plain(s.value()) instanceof Boolean secret) {
        if (secret) {
          b.secret();
        }
      } else {
        problems.add(
            at + ".secret", s.value().loc(), "must be true or false, was " + s.value().kind());
      }
    }
    String path = text(m, at, "path", false);
    if (path != null) {
      b.path(path);
    }
    String unit = text(m, at, "unit", false);
    if (unit != null) {
      b.unit(unit);
    }
    return b.build();
  }

  private String text(MapNode m, String at, String key, boolean required) {
    Field f = m.fields().get(key);
    if (f == null || plain(f.value()) == null) {
      if (required) {
        problems.add(at + "." + key, f == null ? m.loc() : f.keyLoc(), "is required");
      }
      return null;
    }
    if (plain(f.value()) instanceof String s) {
      return s;
    }
    problems.add(at + "." + key, f.value().loc(), "must be a string, was " + f.value().kind());
    return null;
  }

  private BigDecimal number(MapNode m, String at, String key) {
    Field f = m.fields().get(key);
    if (f == null || plain(f.value()) == null) {
      return null;
    }
    if (plain(f.value()) instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    problems.add(at + "." + key, f.value().loc(), "must be a number, was " + f.value().kind());
    return null;
  }
}
