package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ParameterSpec;
import io.clusterlifecycle.api.spec.ParameterType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code config} and {@code parameters} of a spec file (docs/design.md §15). */
class ParameterSpecFileTest {
  static final String ZK =
      """
      name: zookeeper
      version: 6.1.0
      config:
        appConfig:
          zookeeper:
            image: zookeeper:transwarp-5.2
            env_list: []
            resources: {cpu_limit: 3, memory_limit: 4Gi}
      parameters:
        - name: replicas
          type: integer
          default: 3
          min: 1
          max: 9
          path: appConfig.zookeeper.replicas
          description: ensemble size
        - name: limitsMemory
          type: number
          default: 4
          unit: Gi
          path: appConfig.zookeeper.resources.memory_limit
        - name: mode
          type: string
          enum: [standalone, replicated]
        - name: admin_password
          type: string
          secret: true
      roles:
        - role: zk
          services:
            start: {cmd: zk-start}
      """;

  @Test
  void parametersAndConfigAreReadAndWrittenBack() {
    AppSpec spec = AppSpecFiles.parse(ZK, SpecFormat.YAML);
    assertThat(spec.parameters())
        .first()
        .isEqualTo(
            new ParameterSpec(
                "replicas",
                ParameterType.INTEGER,
                Optional.of(3L),
                "ensemble size",
                Optional.of(BigDecimal.ONE),
                Optional.of(BigDecimal.valueOf(9)),
                List.of(),
                false,
                "appConfig.zookeeper.replicas",
                ""));
    assertThat(spec.parameter("mode").orElseThrow().allowed())
        .containsExactly("standalone", "replicated");
    assertThat(spec.parameter("admin_password").orElseThrow().secret()).isTrue();
    assertThat(spec.config())
        .isEqualTo(
            Map.of(
                "appConfig",
                Map.of(
                    "zookeeper",
                    Map.of(
                        "image",
                        "zookeeper:transwarp-5.2",
                        "env_list",
                        List.of(),
                        "resources",
                        Map.of("cpu_limit", 3L, "memory_limit", "4Gi")))));
    for (SpecFormat f : SpecFormat.values()) {
      assertThat(AppSpecFiles.parse(AppSpecFiles.write(spec, f), f)).isEqualTo(spec);
    }
    assertThat(RecordCodec.read(RecordCodec.write(spec), AppSpec.class)).isEqualTo(spec);
  }

  @Test
  void badParametersAreRefusedWithTheirPaths() {
    String bad =
        ZK.replace("type: integer", "type: int")
            .replace("unit: Gi", "unit: Gi\n    colour: red")
            .replace("default: 4\n", "default: lots\n")
            .replace("parameters:", "  tick: 1\nparameters:")
            .replace("  - name: mode\n", "  - just-a-name\n  -\n")
            .replace("roles:", "env: {tick: \"2\"}\nroles:");
    assertThatThrownBy(() -> AppSpecFiles.parse(bad, SpecFormat.YAML))
        .isInstanceOf(ValidationException.class)
        .satisfies(
            e ->
                assertThat(((ValidationException) e).problems())
                    .extracting(p -> p.path() + ": " + p.reason())
                    .contains(
                        "parameters[0].type: must be one of string, integer, number, boolean, was"
                            + " int",
                        "parameters[1].colour: unknown key; known keys here: name, type, default,"
                            + " description, min, max, enum, secret, path, unit",
                        "parameters[1].default: must be number, was lots",
                        "parameters[2]: must be a parameter with name and type, was a string",
                        "parameters[3].name: is required",
                        "config.tick: is also an env key; both are published under /env, so"
                            + " rename one"));
  }
}
