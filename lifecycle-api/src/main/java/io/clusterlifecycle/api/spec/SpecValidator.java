package io.clusterlifecycle.api.spec;

import io.clusterlifecycle.api.error.ValidationProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The semantic checks of docs/design.md §2, reporting every problem with its file-format path. */
final class SpecValidator {
  static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
  static final Pattern ROLE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");
  static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  static final Pattern METADATA_PATH = Pattern.compile("(/[A-Za-z0-9_.-]+)+");
  static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final List<ValidationProblem> problems = new ArrayList<>();
  private final Map<String, String> secrets;

  private SpecValidator(Map<String, String> secrets) {
    this.secrets = secrets;
  }

  static List<ValidationProblem> validate(AppSpec spec) {
    SpecValidator v = new SpecValidator(spec.secrets());
    v.app(spec);
    return List.copyOf(v.problems);
  }

  private void add(String path, String reason) {
    problems.add(ValidationProblem.of(path, reason));
  }

  private void app(AppSpec spec) {
    name(
        "name",
        spec.name(),
        APP_NAME,
        "letters, digits, '.', '_' or '-', starting with a letter or digit; at most 64");
    name(
        "version",
        spec.version(),
        VERSION,
        "letters, digits, '.', '_', '+' or '-', starting with a letter or digit; at most 64");
    spec.env()
        .keySet()
        .forEach(
            k -> {
              if (!ENV_KEY.matcher(k).matches()) {
                add(
                    "env." + k,
                    "key must match "
                        + ENV_KEY
                        + " (a letter or '_', then letters, digits,"
                        + " '_', '.' or '-'; at most 128)");
              }
            });
    spec.env()
        .forEach(
            (k, value) -> {
              if (AppSpec.looksLikeSecret(k) && !value.isEmpty()) {
                add(
                    "env." + k,
                    "looks like a secret (the key contains PASSWORD, SECRET or TOKEN, or ends with"
                        + " _KEY), and env values are stored and published in plain text; declare"
                        + " it under secrets: as a reference (env:VARIABLE, file:/path or host:key)"
                        + " and list it under the secrets of the services that need it");
              }
            });
    secrets(spec);
    problems.addAll(ParameterChecks.of(spec));
    if (spec.roles().isEmpty()) {
      add("roles", "must list at least one role");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < spec.roles().size(); i++) {
      RoleSpec role = spec.roles().get(i);
      String at = "roles[" + i + "]";
      Integer first = seen.putIfAbsent(role.name(), i);
      if (first != null && !role.name().isBlank()) {
        add(at + ".role", "duplicate role '" + role.name() + "' (also roles[" + first + "])");
      }
      role(at, role);
    }
  }

  /** The {@code secrets:} map: names usable as variables, references well formed (§2, §11). */
  private void secrets(AppSpec spec) {
    spec.secrets()
        .forEach(
            (k, reference) -> {
              String at = "secrets." + k;
              if (!SECRET_NAME.matcher(k).matches()) {
                add(
                    at,
                    "name must match "
                        + SECRET_NAME
                        + " (an environment variable name: a letter or '_', then letters, digits"
                        + " or '_'; at most 128)");
              } else if (k.toUpperCase(java.util.Locale.ROOT).startsWith("LC_")) {
                add(at, "name must not start with LC_, which the engine's own variables use");
              }
              if (spec.env().containsKey(k)) {
                add(at, "is also an env key; give the secret and the env entry different names");
              }
              SecretRef.problem(reference).ifPresent(why -> add(at, why));
            });
  }

  private void name(String path, String value, Pattern pattern, String rule) {
    if (value.isBlank()) {
      add(path, "is required");
    } else if (!pattern.matcher(value).matches()) {
      add(path, "must match " + pattern + " (" + rule + "), was '" + value + "'");
    }
  }

  /** A role's templates: each well formed, destinations distinct (docs/design.md §15). */
  private void templates(String at, RoleSpec role) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < role.templates().size(); i++) {
      TemplateSpec t = role.templates().get(i);
      String path = at + ".templates[" + i + "]";
      t.problem().ifPresent(why -> add(path, why));
      Integer first = seen.putIfAbsent(t.destination(), i);
      if (first != null) {
        add(
            path + ".destination",
            "duplicate destination '" + t.destination() + "' (also templates[" + first + "])");
      }
    }
  }

  private void role(String at, RoleSpec role) {
    templates(at, role);
    PolicyChecks.of(at, role, problems);
    name(
        at + ".role",
        role.name(),
        ROLE_NAME,
        "a lower-case letter, then lower-case letters, digits or '-'; at most 40");
    boolean boundsOk = true;
    if (role.minNodes() < 0) {
      add(at + ".min_nodes", "must be >= 0, was " + role.minNodes());
      boundsOk = false;
    }
    if (role.maxNodes() < 1) {
      add(at + ".max_nodes", "must be >= 1, was " + role.maxNodes());
      boundsOk = false;
    } else if (role.maxNodes() != RoleSpec.UNBOUNDED && role.maxNodes() > RoleSpec.MAX_COUNT) {
      add(
          at + ".max_nodes",
          "must be <= "
              + RoleSpec.MAX_COUNT
              + " (omit it for no upper bound),"
              + " was "
              + role.maxNodes());
      boundsOk = false;
    }
    if (boundsOk && role.minNodes() > role.maxNodes()) {
      add(
          at + ".min_nodes",
          "must not exceed max_nodes (" + role.maxNodes() + "), was " + role.minNodes());
      boundsOk = false;
    }
    if (role.count() < 0 || role.count() > RoleSpec.MAX_COUNT) {
      add(at + ".count", "must be between 0 and " + RoleSpec.MAX_COUNT + ", was " + role.count());
    } else if (boundsOk && (role.count() < role.minNodes() || role.count() > role.maxNodes())) {
      String max = role.maxNodes() == RoleSpec.UNBOUNDED ? "unbounded" : "" + role.maxNodes();
      add(
          at + ".count",
          "must be within [min_nodes, max_nodes] = ["
              + role.minNodes()
              + ", "
              + max
              + "], was "
              + role.count());
    }
    range(at + ".cpu", role.cpu(), 1, RoleSpec.MAX_CPU, "cores");
    range(at + ".memory", role.memory(), 1, RoleSpec.MAX_MEMORY_MIB, "MiB");
    role.image()
        .filter(String::isBlank)
        .ifPresent(
            i ->
                add(at + ".image", "must not be blank (omit it for the provider's default image)"));
    role.volume()
        .ifPresent(
            v -> {
              range(at + ".volume.size", v.size(), 1, VolumeSpec.MAX_SIZE_GIB, "GiB");
              if (!v.mountPoint().startsWith("/") || v.mountPoint().isBlank()) {
                add(
                    at + ".volume.mount_point",
                    "must be an absolute path such as /data, was '" + v.mountPoint() + "'");
              }
            });
    role.services().forEach((name, service) -> service(at + ".services." + name, name, service));
  }

  private void range(String path, long value, long min, long max, String unit) {
    if (value < min || value > max) {
      add(path, "must be between " + min + " and " + max + " " + unit + ", was " + value);
    }
  }

  private void service(String at, String name, ServiceSpec service) {
    if (!SERVICE_NAME.matcher(name).matches()) {
      add(
          at,
          "service name must match "
              + SERVICE_NAME
              + " (a lower-case letter, then lower-case"
              + " letters, digits, '_' or '-'; at most 40)");
    } else if (name.equals(TemplateSpec.RENDER_SERVICE)) {
      add(at, "service name '" + name + "' is reserved: the engine writes rendered files under it");
    }
    if (service.cmd().isBlank()) {
      add(at + ".cmd", "must not be blank");
    }
    if (service.order() < 0) {
      add(at + ".order", "must be >= 0, was " + service.order());
    }
    Duration t = service.timeout();
    if (t.getNano() != 0 || t.getSeconds() < 1 || t.compareTo(ServiceSpec.MAX_TIMEOUT) > 0) {
      add(
          at + ".timeout",
          "must be whole seconds between 1 and "
              + ServiceSpec.MAX_TIMEOUT.getSeconds()
              + ", was "
              + seconds(t));
    }
    if (service.nodesToExecuteOn() < 1) {
      add(at + ".nodes_to_execute_on", "must be >= 1, was " + service.nodesToExecuteOn());
    }
    if (service.postStartService() && !ServiceSpec.permits(name, ServiceSpec.FIELD_POST_START)) {
      add(
          at + "." + ServiceSpec.FIELD_POST_START,
          ServiceSpec.onlyOn(ServiceSpec.FIELD_POST_START));
    }
    if (service.postStopService() && !ServiceSpec.permits(name, ServiceSpec.FIELD_POST_STOP)) {
      add(at + "." + ServiceSpec.FIELD_POST_STOP, ServiceSpec.onlyOn(ServiceSpec.FIELD_POST_STOP));
    }
    service
        .preCheck()
        .ifPresent(
            check -> {
              if (!ServiceSpec.permits(name, ServiceSpec.FIELD_PRE_CHECK)) {
                add(at + ".pre_check", ServiceSpec.onlyOn(ServiceSpec.FIELD_PRE_CHECK));
              } else if (check.isBlank()) {
                add(at + ".pre_check", "must not be blank (omit it for no pre-check)");
              }
            });
    if (!service.watch().isEmpty() && !ServiceSpec.permits(name, ServiceSpec.FIELD_WATCH)) {
      add(at + "." + ServiceSpec.FIELD_WATCH, ServiceSpec.onlyOn(ServiceSpec.FIELD_WATCH));
    } else {
      for (int j = 0; j < service.watch().size(); j++) {
        String p = service.watch().get(j);
        if (!METADATA_PATH.matcher(p).matches()) {
          add(
              at + ".watch[" + j + "]",
              "must be an absolute metadata path such as /hosts, was '" + p + "'");
        }
      }
    }
    Map<String, Integer> listed = new HashMap<>();
    for (int j = 0; j < service.secrets().size(); j++) {
      String s = service.secrets().get(j);
      String path = at + "." + ServiceSpec.FIELD_SECRETS + "[" + j + "]";
      Integer first = listed.putIfAbsent(s, j);
      if (first != null) {
        add(path, "lists secret '" + s + "' twice (also [" + first + "])");
      } else if (!secrets.containsKey(s)) {
        add(
            path,
            "names secret '"
                + s
                + "', which the spec does not declare under secrets:"
                + (secrets.isEmpty()
                    ? ""
                    : " (declared: " + String.join(", ", secrets.keySet()) + ")"));
      }
    }
  }

  private static String seconds(Duration t) {
    return t.getNano() == 0 ? t.getSeconds() + "s" : t.toString();
  }
}
