package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.TemplateSpec;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code templates} of a role in a spec file (docs/design.md §15). */
class TemplateSpecFileTest {
  static final String SPEC =
      """
      name: zookeeper
      version: 6.1.0
      roles:
        - role: zk
          services:
            start: {cmd: zk-start}
          templates:
            - {destination: conf/zoo.cfg, source: templates/zoo.cfg.mustache}
            - destination: /etc/zk/jaas.conf
              mode: "0600"
              content: |
                user={{config.user}}
      """;

  @Test
  void templatesAreReadAndWrittenBackInEveryFormat() {
    AppSpec spec = AppSpecFiles.parse(SPEC, SpecFormat.YAML);
    assertThat(spec.roles().get(0).templates())
        .containsExactly(
            TemplateSpec.fromSource("conf/zoo.cfg", "templates/zoo.cfg.mustache"),
            new TemplateSpec(
                "/etc/zk/jaas.conf",
                Optional.empty(),
                Optional.of("user={{config.user}}\n"),
                "0600"));
    AppSpec loaded = spec.withTemplateSources(Map.of("templates/zoo.cfg.mustache", "tick={{x}}"));
    for (SpecFormat format : SpecFormat.values()) {
      assertThat(AppSpecFiles.parse(AppSpecFiles.write(loaded, format), format)).isEqualTo(loaded);
    }
    assertThat(RecordCodec.read(RecordCodec.write(loaded), AppSpec.class)).isEqualTo(loaded);
    // a stored spec keeps where a template came from and what it said
    assertThat(AppSpecFiles.write(loaded, SpecFormat.YAML))
        .contains("source: templates/zoo.cfg.mustache")
        .contains("content: \"tick={{x}}\"");
  }

  @Test
  void badTemplatesAreRefusedWithTheirPaths() {
    String bad =
        SPEC.replace("mode: \"0600\"", "mode: 0600")
            .replace("source: templates/zoo.cfg.mustache", "src: x");
    assertThatThrownBy(() -> AppSpecFiles.parse(bad, SpecFormat.YAML))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("roles[0].templates[0]")
        .hasMessageContaining("src")
        .hasMessageContaining("roles[0].templates[1].mode");
  }
}
