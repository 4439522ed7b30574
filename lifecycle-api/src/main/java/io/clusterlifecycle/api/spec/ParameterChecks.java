package io.clusterlifecycle.api.spec;

import io.clusterlifecycle.api.error.ValidationProblem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks of a spec's {@code config} and {@code parameters} (docs/design.md §15). */
final class ParameterChecks {
  static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  static final Pattern CONFIG_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  private ParameterChecks() {}

  static List<ValidationProblem> of(AppSpec spec) {
    List<ValidationProblem> p = new ArrayList<>();
    config("config", spec.config(), p);
    spec.config().keySet().stream()
        .filter(spec.env()::containsKey)
        .forEach(
            k ->
                p.add(
                    ValidationProblem.of(
                        "config." + k,
                        "is also an env key; both are published under /env, so rename one")));
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.parameters().size(); i++) {
      ParameterSpec ps = spec.parameters().get(i);
      String at = "parameters[" + i + "]";
      if (ps.name().isEmpty()) {
        p.add(ValidationProblem.of(at + ".name", "is required"));
      } else if (!PARAMETER_NAME.matcher(ps.name()).matches()) {
        p.add(ValidationProblem.of(at + ".name", "must match " + PARAMETER_NAME));
      } else if (!names.add(ps.name())) {
        p.add(ValidationProblem.of(at + ".name", "duplicate parameter '" + ps.name() + "'"));
      }
      for (String seg : ps.path().isEmpty() ? new String[0] : ps.path().split("\\.", -1)) {
        if (!CONFIG_KEY.matcher(seg).matches() || seg.contains(".")) {
          p.add(
              ValidationProblem.of(
                  at + ".path",
                  "must be config keys joined by '.', each of letters, digits, '_' or '-', was "
                      + ps.path()));
          break;
        }
      }
      boolean numeric = ps.type() == ParameterType.INTEGER || ps.type() == ParameterType.NUMBER;
      if (!numeric && (ps.min().isPresent() || ps.max().isPresent())) {
        p.add(ValidationProblem.of(at + ".min", "bounds apply to integer and number parameters"));
      }
      if (ps.min().isPresent()
          && ps.max().isPresent()
          && ps.min().get().compareTo(ps.max().get()) > 0) {
        p.add(ValidationProblem.of(at + ".min", "must not exceed max"));
      }
      ps.defaultValue().ifPresent(v -> ConfigValues.checkValue(ps, v, at + ".default", p));
    }
    return p;
  }

  private static void config(String at, Map<String, Object> m, List<ValidationProblem> p) {
    m.forEach(
        (k, v) -> {
          if (!CONFIG_KEY.matcher(k).matches()) {
            p.add(ValidationProblem.of(at + "." + k, "key must match " + CONFIG_KEY));
          } else if (v instanceof Map<?, ?> child) {
            config(at + "." + k, ConfigValues.normalMap(child), p);
          }
        });
  }
}
