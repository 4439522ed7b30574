package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.plugin.PluginRef;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ConfigValues;
import io.clusterlifecycle.api.spi.SpecPlugin;
import io.clusterlifecycle.core.internal.exec.Links;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of a cluster's settings (docs/design.md §15) that create, reconfigure and upgrade
 * share: checking a change against the spec and the other clusters, and merging it into a record.
 */
final class Settings {
  static final Pattern DEPENDENCY_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  static final Pattern DEPENDENCY_REF =
      Pattern.compile("([a-z0-9][a-z0-9-]{0,62}/)?[a-z][a-z0-9-]{0,39}");
  static final String MANAGED_BY = "lifecycle";

  private Settings() {}

  /**
   * The labels every new cluster gets unless its request sets them: the app's name, version and
   * first role, the cluster's name, and who manages it.
   */
  static Map<String, String> defaultLabels(AppSpec spec, String clusterName) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("app.kubernetes.io/name", spec.name());
    m.put("app.kubernetes.io/instance", clusterName);
    m.put("app.kubernetes.io/version", spec.version());
    m.put("app.kubernetes.io/component", spec.roles().get(0).name());
    m.put("app.kubernetes.io/managed-by", MANAGED_BY);
    return m;
  }

  /**
   * Checks a change of {@code current} (with {@code spec}, its spec after the change) and returns
   * the record it leads to, or adds problems.
   *
   * @param current the cluster now (for a create: the record being made, without settings)
   * @param spec the spec the cluster has after the change
   * @param change the change
   * @param all every cluster record
   * @param plugins the plugins registered in the engine, by name
   * @param p where problems are added, under {@code at}
   * @param at the request's path prefix, for example {@code request}
   */
  static Cluster apply(
      Cluster current,
      AppSpec spec,
      SettingsChange change,
      List<Cluster> all,
      Map<String, SpecPlugin> plugins,
      List<ValidationProblem> p,
      String at) {
    p.addAll(ConfigValues.check(spec, change.values(), change.params(), at));
    Map<String, Object> values = ConfigValues.merge(current.configValues(), change.values());
    Map<String, Object> params = new LinkedHashMap<>(current.params());
    change
        .params()
        .forEach(
            (k, v) -> {
              if (v == null || "".equals(v)) {
                params.remove(k);
              } else {
                params.put(k, v);
              }
            });
    if (!spec.equals(current.spec())) {
      // a new version may drop a parameter, or narrow what the kept values may be
      params.keySet().removeIf(k -> spec.parameter(k).isEmpty());
      Map<String, Object> kept = new LinkedHashMap<>(params);
      kept.keySet().removeAll(change.params().keySet());
      p.addAll(ConfigValues.check(spec, Map.of(), kept, "cluster"));
    }
    Map<String, String> labels = ConfigValues.mergeText(current.labels(), change.labels());
    Checks.labels(change.labels(), p);
    Map<String, String> deps =
        ConfigValues.mergeText(current.dependencies(), change.dependencies());
    change
        .dependencies()
        .forEach(
            (name, ref) -> {
              String path = at + ".dependencies." + name;
              if (!DEPENDENCY_NAME.matcher(name).matches()) {
                p.add(ValidationProblem.of(path, "name must match " + DEPENDENCY_NAME));
              } else if (!ref.isEmpty() && !DEPENDENCY_REF.matcher(ref).matches()) {
                p.add(
                    ValidationProblem.of(
                        path, "must be namespace/cluster or cluster, was '" + ref + "'"));
              } else if (!ref.isEmpty()) {
                Optional<Cluster> target = Links.target(ref, current.namespace(), all);
                if (target.isEmpty() && !selfRef(ref, current)) {
                  p.add(
                      ValidationProblem.of(
                          path,
                          "no cluster "
                              + (ref.contains("/") ? ref : current.namespace() + "/" + ref)
                              + " to depend on; create it first"));
                }
              }
            });
    Cluster next =
        current.toBuilder()
            .spec(spec)
            .configValues(values)
            .params(params)
            .labels(labels)
            .dependencies(deps)
            .plugins(plugins(current.plugins(), change.plugins(), plugins, p, at))
            .build();
    if (p.isEmpty()) {
      deps.forEach(
          (name, ref) -> {
            if (selfRef(ref, current)) {
              p.add(
                  ValidationProblem.of(
                      at + ".dependencies." + name, "a cluster cannot depend on itself"));
            }
          });
      Links.cycle(next, deps, all)
          .ifPresent(
              chain ->
                  p.add(
                      ValidationProblem.of(
                          at + ".dependencies",
                          "would make a cycle: "
                              + current.namespace()
                              + "/"
                              + current.name()
                              + " -> "
                              + String.join(" -> ", chain))));
    }
    return next;
  }

  /**
   * Merges plugin references into a cluster's, by name and in order (docs/design.md §15), checking
   * each against the registered plugins.
   */
  static List<PluginRef> plugins(
      List<PluginRef> current,
      List<PluginRef> change,
      Map<String, SpecPlugin> registered,
      List<ValidationProblem> p,
      String at) {
    List<PluginRef> out = new ArrayList<>(current);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < change.size(); i++) {
      PluginRef ref = change.get(i);
      String path = at + ".plugins[" + i + "]";
      if (!seen.add(ref.name())) {
        p.add(ValidationProblem.of(path, "plugin '" + ref.name() + "' is given twice"));
        continue;
      }
      int index = indexOf(out, ref.name());
      if (ref.disable()) {
        if (index >= 0) {
          out.remove(index);
        }
        continue;
      }
      SpecPlugin plugin = registered.get(ref.name());
      if (plugin == null) {
        p.add(
            ValidationProblem.of(
                path,
                "no plugin '"
                    + ref.name()
                    + "' in this engine; registered: "
                    + (registered.isEmpty()
                        ? "none"
                        : String.join(", ", new java.util.TreeSet<>(registered.keySet())))));
        continue;
      }
      if (!ref.version().isEmpty() && !ref.version().equals(plugin.version())) {
        p.add(
            ValidationProblem.of(
                path,
                "plugin '"
                    + ref.name()
                    + "' is version "
                    + plugin.version()
                    + " in this engine, not "
                    + ref.version()));
        continue;
      }
      try {
        plugin.checkArgs(ref.args());
      } catch (IllegalArgumentException e) {
        p.add(ValidationProblem.of(path + ".args", String.valueOf(e.getMessage())));
        continue;
      }
      if (index >= 0) {
        out.set(index, ref);
      } else {
        out.add(ref);
      }
    }
    return out;
  }

  private static int indexOf(List<PluginRef> refs, String name) {
    for (int i = 0; i < refs.size(); i++) {
      if (refs.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean selfRef(String ref, Cluster c) {
    String full = ref.contains("/") ? ref : c.namespace() + "/" + ref;
    return full.equals(c.namespace() + "/" + c.name());
  }
}
