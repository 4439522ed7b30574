package io.clusterlifecycle.cli;

import static io.clusterlifecycle.cli.ClusterCommands.badInput;
import static io.clusterlifecycle.cli.ClusterCommands.pairs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.request.SettingsChange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code config show|set|unset}, {@code label} and {@code depend} (docs/design.md §15). */
final class SettingsCommands {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private SettingsCommands() {}

  @Command(
      name = "config",
      description = {
        "Show or change a cluster's config: show prints the effective config (spec defaults,"
            + " then values, then parameters); set merges KEY=VALUE config values (dot-separated"
            + " paths) and --param NAME=VALUE parameters, republishes /env and reloads; unset"
            + " removes keys."
      })
  static final class ConfigCommand extends ClusterCommands.OperationCommand {
    @Parameters(index = "0", paramLabel = "show|set|unset", description = "What to do.")
    String action;

    @Parameters(index = "1", paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Parameters(
        index = "2..*",
        paramLabel = "KEY[=VALUE]",
        description = "set: KEY=VALUE pairs; unset: KEYs.")
    List<String> keys = List.of();

    @picocli.CommandLine.Option(
        names = "--param",
        paramLabel = "NAME[=VALUE]",
        description = "set: a parameter NAME=VALUE; unset: a parameter NAME.")
    List<String> params = List.of();

    @Mixin OperationCommands.BatchOptions batches = new OperationCommands.BatchOptions();

    @Override
    String cluster() {
      return cluster;
    }

    @Override
    boolean changesTheHome() {
      return !action.equals("show");
    }

    @Override
    void checkInput() {
      if (!List.of("show", "set", "unset").contains(action)) {
        throw badInput("ACTION", "must be show, set or unset, was '" + action + "'");
      }
      if (!action.equals("show")) {
        super.checkInput();
      }
    }

    @Override
    void checkAgainstEmptyHome(Session empty) {
      empty.engine.get(cluster);
    }

    @Override
    OperationRequest request() {
      Map<String, String> values = new LinkedHashMap<>();
      Map<String, Object> typed = new LinkedHashMap<>();
      if (action.equals("set")) {
        values.putAll(pairs(keys, "KEY=VALUE"));
        pairs(params, "--param").forEach((k, v) -> typed.put(k, SettingsOptions.scalar(v)));
      } else {
        keys.forEach(k -> values.put(k, ""));
        params.forEach(k -> typed.put(k, ""));
      }
      if (values.isEmpty() && typed.isEmpty()) {
        throw badInput("KEY", "give at least one key or --param to " + action);
      }
      SettingsChange change =
          new SettingsChange(SettingsOptions.paths(values), typed, Map.of(), Map.of());
      Reconfigure r =
          batches.apply(
              Reconfigure.of(cluster, change),
              (n, p) -> Reconfigure.of(cluster, change).inBatches(n, p));
      return timed(r, r::withTimeout);
    }

    @Override
    int run(Session session) {
      if (!action.equals("show")) {
        return super.run(session);
      }
      Cluster c = session.engine.get(cluster);
      Map<String, Object> shown = new LinkedHashMap<>();
      shown.put("config", c.config());
      shown.put("values", c.configValues());
      shown.put("params", c.params());
      shown.put("dependencies", c.dependencies());
      try {
        out()
            .print(
                parent.json
                    ? ClusterView.JSON.writeValueAsString(shown) + "\n"
                    : YAML.writeValueAsString(shown));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("maps of plain values always serialise", e);
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "label",
      description =
          "Merge labels into a cluster: K=V sets one, K= removes one; no node is touched.")
  static final class LabelCommand extends ClusterCommands.ClusterOperation {
    @Parameters(index = "1..*", paramLabel = "K=V", description = "Labels to set or (K=) remove.")
    List<String> labels = List.of();

    @Override
    OperationRequest request() {
      if (labels.isEmpty()) {
        throw badInput("K=V", "give at least one label");
      }
      Reconfigure r =
          Reconfigure.of(
              cluster, new SettingsChange(Map.of(), Map.of(), pairs(labels, "K=V"), Map.of()));
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "depend",
      description =
          "Merge dependencies into a cluster: NAME=[NS/]CLUSTER adds or changes one (seen under"
              + " /links/NAME), NAME= removes one; then the cluster reloads.")
  static final class DependCommand extends ClusterCommands.ClusterOperation {
    @Parameters(
        index = "1..*",
        paramLabel = "NAME=[NS/]CLUSTER",
        description = "Dependencies to set or (NAME=) remove.")
    List<String> dependencies = List.of();

    @Override
    OperationRequest request() {
      if (dependencies.isEmpty()) {
        throw badInput("NAME=[NS/]CLUSTER", "give at least one dependency");
      }
      Reconfigure r =
          Reconfigure.of(
              cluster,
              new SettingsChange(
                  Map.of(), Map.of(), Map.of(), pairs(dependencies, "NAME=[NS/]CLUSTER")));
      return timed(r, r::withTimeout);
    }
  }
}
