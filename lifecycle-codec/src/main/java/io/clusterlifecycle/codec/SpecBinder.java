package io.clusterlifecycle.codec;

import com.fasterxml.jackson.core.JsonToken;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.Deployment;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.ParameterSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spec.TemplateSpec;
import io.clusterlifecycle.api.spec.VolumeSpec;
import io.clusterlifecycle.codec.SpecTree.Field;
import io.clusterlifecycle.codec.SpecTree.ListNode;
import io.clusterlifecycle.codec.SpecTree.Loc;
import io.clusterlifecycle.codec.SpecTree.MapNode;
import io.clusterlifecycle.codec.SpecTree.Node;
import io.clusterlifecycle.codec.SpecTree.ScalarNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Maps a located spec tree onto the model, collecting every structural problem (unknown keys,
 * missing required keys, wrong types, unknown enum values) instead of stopping at the first. Where
 * a value is unusable the model gets a default, so that the semantic checks can still run on
 * everything else; {@link AppSpecFiles} drops semantic problems under a path that already has a
 * structural one.
 */
final class SpecBinder {
  static final List<String> APP_KEYS =
      List.of("name", "version", "env", "secrets", "config", "parameters", "deployment", "roles");
  static final List<String> ROLE_KEYS =
      List.of(
          "role",
          "count",
          "min_nodes",
          "max_nodes",
          "cpu",
          "memory",
          "image",
          "volume",
          "advanced_actions",
          "vertical_scaling_policy",
          "upgrading_policy",
          "services",
          "templates",
          "elasticity_policies",
          "scheduled_policies");
  static final List<String> TEMPLATE_KEYS = List.of("destination", "source", "content", "mode");
  static final List<String> VOLUME_KEYS = List.of("size", "mount_point");
  static final List<String> SERVICE_KEYS =
      List.of(
          "cmd",
          "order",
          "timeout",
          "nodes_to_execute_on",
          ServiceSpec.FIELD_POST_START,
          ServiceSpec.FIELD_POST_STOP,
          ServiceSpec.FIELD_PRE_CHECK,
          ServiceSpec.FIELD_WATCH,
          ServiceSpec.FIELD_SECRETS);

  private final List<ValidationProblem> problems;
  final Map<String, Loc> locations = new HashMap<>();

  SpecBinder(List<ValidationProblem> problems) {
    this.problems = problems;
  }

  /** Returns the location of {@code path}, or of its nearest ancestor that has one. */
  Optional<Loc> locate(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Loc l = locations.get(p);
      if (l != null) {
        return Optional.of(l);
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return Optional.ofNullable(locations.get(""));
  }

  /** Binds the document, or returns null when it is not a mapping at all. */
  AppSpec bind(Node root) {
    MapNode m = mapping("", root, "an app spec with name, version and roles");
    if (m == null) {
      return null;
    }
    String name = required(m, "", "name", this::string, "");
    String version = required(m, "", "version", this::string, "");
    Map<String, String> env = new LinkedHashMap<>();
    optional(
        m,
        "",
        "env",
        (path, n) -> {
          MapNode e = mapping(path, n, "key: value pairs");
          if (e != null) {
            e.fields()
                .values()
                .forEach(
                    f -> {
                      String at = path + "." + f.key();
                      locations.put(at, f.keyLoc());
                      String v = envValue(at, f.value());
                      if (v != null) {
                        env.put(f.key(), v);
                      }
                    });
          }
          return null;
        });
    Map<String, String> secrets = new LinkedHashMap<>();
    optional(
        m,
        "",
        "secrets",
        (path, n) -> {
          MapNode e = mapping(path, n, "secret names mapped to references such as env:DB_PASSWORD");
          if (e != null) {
            e.fields()
                .values()
                .forEach(
                    f -> {
                      String at = path + "." + f.key();
                      locations.put(at, f.keyLoc());
                      String v = string(at, f.value());
                      if (v != null) {
                        secrets.put(f.key(), v);
                      }
                    });
          }
          return null;
        });
    List<RoleSpec> roles =
        required(
            m,
            "",
            "roles",
            (path, n) -> {
              ListNode list = list(path, n, "a list of roles");
              List<RoleSpec> out = new ArrayList<>();
              if (list != null) {
                for (int i = 0; i < list.items().size(); i++) {
                  String at = path + "[" + i + "]";
                  locations.put(at, list.items().get(i).loc());
                  RoleSpec r = role(at, list.items().get(i));
                  // a role that is not a mapping keeps its place (nameless, its problems under its
                  // structural one), so that the roles after it keep their paths
                  out.add(r != null ? r : RoleSpec.builder("").build());
                }
              }
              return out;
            },
            List.of());
    ParameterBinder params = new ParameterBinder(this::add);
    Map<String, Object> config = optional(m, "", "config", params::config).orElse(Map.of());
    List<ParameterSpec> parameters =
        optional(m, "", "parameters", params::parameters).orElse(List.of());
    Deployment deployment = optional(m, "", "deployment", this::deployment).orElse(Deployment.NONE);
    unknownKeys("", m, APP_KEYS);
    return new AppSpec(name, version, env, roles, secrets, config, parameters, deployment);
  }

  private RoleSpec role(String at, Node node) {
    MapNode m = mapping(at, node, "a role with at least a 'role' name");
    if (m == null) {
      return null;
    }
    RoleSpec.Builder b = RoleSpec.builder(required(m, at, "role", this::string, ""));
    optional(m, at, "count", this::integer).ifPresent(b::count);
    optional(m, at, "min_nodes", this::integer).ifPresent(b::minNodes);
    optional(m, at, "max_nodes", this::integer).ifPresent(b::maxNodes);
    optional(m, at, "cpu", this::integer).ifPresent(b::cpu);
    optional(m, at, "memory", this::integer).ifPresent(b::memory);
    optional(m, at, "image", this::string).ifPresent(b::image);
    optional(m, at, "volume", this::volume).ifPresent(b::volume);
    optional(
        m,
        at,
        "advanced_actions",
        (path, n) -> {
          ListNode list = list(path, n, "a list such as [scale_horizontal]");
          if (list != null) {
            for (int i = 0; i < list.items().size(); i++) {
              String p = path + "[" + i + "]";
              String s = string(p, list.items().get(i));
              if (s != null) {
                Optional<AdvancedAction> a = AdvancedAction.fromFileName(s);
                a.ifPresent(b::advancedActions);
                if (a.isEmpty()) {
                  add(
                      p,
                      list.items().get(i).loc(),
                      "unknown advanced action '"
                          + s
                          + "'; known: "
                          + String.join(", ", KeyHints.names(EnumSet.allOf(AdvancedAction.class))));
                }
              }
            }
          }
          return null;
        });
    optional(m, at, "vertical_scaling_policy", this::policy).ifPresent(b::verticalScalingPolicy);
    optional(m, at, "upgrading_policy", this::policy).ifPresent(b::upgradingPolicy);
    optional(
        m,
        at,
        "services",
        (path, n) -> {
          MapNode services = mapping(path, n, "service names mapped to services");
          if (services != null) {
            services
                .fields()
                .values()
                .forEach(
                    f -> {
                      String p = path + "." + f.key();
                      locations.put(p, f.keyLoc());
                      ServiceSpec s = service(p, f.key(), f.value());
                      if (s != null) {
                        b.service(f.key(), s);
                      }
                    });
          }
          return null;
        });
    optional(
        m,
        at,
        "templates",
        (path, n) -> {
          ListNode list = list(path, n, "a list of {destination, source or content}");
          if (list != null) {
            for (int i = 0; i < list.items().size(); i++) {
              String p = path + "[" + i + "]";
              locations.put(p, list.items().get(i).loc());
              TemplateSpec t = template(p, list.items().get(i));
              if (t != null) {
                b.template(t);
              }
            }
          }
          return null;
        });
    new PolicyBinder(this).bind(m, at, b);
    unknownKeys(at, m, ROLE_KEYS);
    return b.build();
  }

  private TemplateSpec template(String at, Node node) {
    MapNode m =
        mapping(at, node, "a template such as {destination: conf/app.conf, source: app.conf.tmpl}");
    if (m == null) {
      return null;
    }
    String destination = required(m, at, "destination", this::string, "");
    Optional<String> source = optional(m, at, "source", this::string);
    Optional<String> content = optional(m, at, "content", this::string);
    String mode = optional(m, at, "mode", this::string).orElse(TemplateSpec.DEFAULT_MODE);
    unknownKeys(at, m, TEMPLATE_KEYS);
    return new TemplateSpec(destination, source, content, mode);
  }

  private VolumeSpec volume(String at, Node node) {
    MapNode m = mapping(at, node, "a volume such as {size: 20, mount_point: /data}");
    if (m == null) {
      return null;
    }
    int size = required(m, at, "size", this::integer, 0);
    String mount =
        optional(m, at, "mount_point", this::string).orElse(VolumeSpec.DEFAULT_MOUNT_POINT);
    unknownKeys(at, m, VOLUME_KEYS);
    return new VolumeSpec(size, mount);
  }

  private ServiceSpec service(String at, String serviceName, Node node) {
    MapNode m = mapping(at, node, "a service with at least cmd");
    if (m == null) {
      return null;
    }
    for (Field f : m.fields().values()) {
      if (SERVICE_KEYS.contains(f.key()) && !ServiceSpec.permits(serviceName, f.key())) {
        add(at + "." + f.key(), f.keyLoc(), ServiceSpec.onlyOn(f.key()));
      }
    }
    ServiceSpec.Builder b = ServiceSpec.builder(required(m, at, "cmd", this::string, ""));
    optional(m, at, "order", this::integer).ifPresent(b::order);
    optional(m, at, "timeout", this::integer).ifPresent(t -> b.timeout(Duration.ofSeconds(t)));
    optional(m, at, "nodes_to_execute_on", this::integer).ifPresent(b::nodesToExecuteOn);
    permitted(m, at, serviceName, ServiceSpec.FIELD_POST_START, this::bool)
        .ifPresent(b::postStartService);
    permitted(m, at, serviceName, ServiceSpec.FIELD_POST_STOP, this::bool)
        .ifPresent(b::postStopService);
    permitted(m, at, serviceName, ServiceSpec.FIELD_PRE_CHECK, this::string).ifPresent(b::preCheck);
    permitted(
            m,
            at,
            serviceName,
            ServiceSpec.FIELD_WATCH,
            (path, n) -> {
              ListNode list = list(path, n, "a list of metadata paths such as [/hosts, /env]");
              List<String> paths = new ArrayList<>();
              if (list != null) {
                for (int i = 0; i < list.items().size(); i++) {
                  String p = path + "[" + i + "]";
                  locations.put(p, list.items().get(i).loc());
                  String s = string(p, list.items().get(i));
                  // keep the indexes of the paths after a wrong-typed one ("" is reported under it)
                  paths.add(s != null ? s : "");
                }
              }
              return paths;
            })
        .ifPresent(b::watch);
    optional(
            m,
            at,
            ServiceSpec.FIELD_SECRETS,
            (path, n) -> {
              ListNode list = list(path, n, "a list of secret names such as [DB_PASSWORD]");
              List<String> names = new ArrayList<>();
              if (list != null) {
                for (int i = 0; i < list.items().size(); i++) {
                  String p = path + "[" + i + "]";
                  locations.put(p, list.items().get(i).loc());
                  String s = string(p, list.items().get(i));
                  names.add(s != null ? s : "");
                }
              }
              return names;
            })
        .ifPresent(b::secrets);
    unknownKeys(at, m, SERVICE_KEYS);
    return b.build();
  }

  private <T> Optional<T> permitted(
      MapNode m, String at, String serviceName, String key, BiFunction<String, Node, T> reader) {
    return ServiceSpec.permits(serviceName, key) ? optional(m, at, key, reader) : Optional.empty();
  }

  // ---- structural helpers

  <T> Optional<T> optional(MapNode m, String at, String key, BiFunction<String, Node, T> reader) {
    Field f = m.fields().get(key);
    if (f == null || f.value() instanceof ScalarNode s && s.isNull()) {
      return Optional.empty();
    }
    String path = child(at, key);
    locations.put(path, f.value().loc());
    return Optional.ofNullable(reader.apply(path, f.value()));
  }

  <T> T required(MapNode m, String at, String key, BiFunction<String, Node, T> reader, T fallback) {
    Field f = m.fields().get(key);
    if (f == null || f.value() instanceof ScalarNode s && s.isNull()) {
      add(child(at, key), f == null ? m.loc() : f.keyLoc(), "is required");
      return fallback;
    }
    return optional(m, at, key, reader).orElse(fallback);
  }

  void unknownKeys(String at, MapNode m, List<String> known) {
    for (Field f : m.fields().values()) {
      if (!known.contains(f.key())) {
        String hint =
            KeyHints.closest(f.key(), known).map(k -> "did you mean '" + k + "'? ").orElse("");
        add(
            child(at, f.key()),
            f.keyLoc(),
            "unknown key; " + hint + "known keys here: " + String.join(", ", known));
      }
    }
  }

  MapNode mapping(String path, Node n, String expected) {
    if (n instanceof MapNode m) {
      return m;
    }
    add(path, n.loc(), "must be " + expected + ", was " + n.kind());
    return null;
  }

  ListNode list(String path, Node n, String expected) {
    if (n instanceof ListNode l) {
      return l;
    }
    add(path, n.loc(), "must be " + expected + ", was " + n.kind());
    return null;
  }

  String string(String path, Node n) {
    if (n instanceof ScalarNode s && s.token() == JsonToken.VALUE_STRING) {
      return (String) s.value();
    }
    add(
        path,
        n.loc(),
        "must be a string, was "
            + n.kind()
            + (n instanceof ScalarNode ? "; put it in quotes" : ""));
    return null;
  }

  private String envValue(String path, Node n) {
    if (n instanceof ScalarNode s && !s.isNull()) {
      return s.token() == JsonToken.VALUE_STRING ? (String) s.value() : s.text();
    }
    add(
        path,
        n.loc(),
        n instanceof ScalarNode
            ? "must not be null; use \"\" for an empty value"
            : "must be a string, was " + n.kind());
    return null;
  }

  Integer integer(String path, Node n) {
    if (n instanceof ScalarNode s && s.token() == JsonToken.VALUE_NUMBER_INT) {
      Number v = (Number) s.value();
      BigInteger big = v instanceof BigInteger b ? b : BigInteger.valueOf(v.longValue());
      if (big.bitLength() < 32) {
        return big.intValue();
      }
      add(
          path,
          n.loc(),
          "must be a whole number between "
              + Integer.MIN_VALUE
              + " and "
              + Integer.MAX_VALUE
              + ", was "
              + s.text());
      return null;
    }
    add(path, n.loc(), "must be a whole number, was " + n.kind());
    return null;
  }

  private Boolean bool(String path, Node n) {
    if (n instanceof ScalarNode s && s.value() instanceof Boolean b) {
      return b;
    }
    add(path, n.loc(), "must be true or false, was " + n.kind());
    return null;
  }

  private ExecutionPolicy policy(String path, Node n) {
    return choice(path, n, "policy", ExecutionPolicy::fromFileName, ExecutionPolicy.class);
  }

  private Deployment deployment(String path, Node n) {
    return choice(path, n, "deployment", Deployment::fromFileName, Deployment.class);
  }

  /** One of an enum's file names; an unknown one is a problem listing them all. */
  <E extends Enum<E>> E choice(
      String path, Node n, String what, Function<String, Optional<E>> lookup, Class<E> type) {
    String s = string(path, n);
    if (s == null) {
      return null;
    }
    Optional<E> e = lookup.apply(s);
    if (e.isEmpty()) {
      add(
          path,
          n.loc(),
          "unknown "
              + what
              + " '"
              + s
              + "'; use one of: "
              + String.join(", ", KeyHints.names(EnumSet.allOf(type))));
    }
    return e.orElse(null);
  }

  void add(String path, Loc loc, String reason) {
    problems.add(loc.problem(path.isEmpty() ? ValidationProblem.ROOT : path, reason));
  }

  private static String child(String at, String key) {
    return at.isEmpty() ? key : at + "." + key;
  }
}
