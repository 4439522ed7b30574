package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.Deployment;
import org.junit.jupiter.api.Test;

/** The app-level {@code deployment} of a spec file (docs/design.md §6.2). */
class DeploymentFileTest {
  static final String SPEC =
      """
      name: shop
      version: "1.0"
      deployment: straight
      roles:
        - role: db
          services:
            start: {cmd: db}
      """;

  @Test
  void straightIsReadAndWrittenBack_andNoneIsTheDefault() {
    AppSpec spec = AppSpecFiles.parse(SPEC, SpecFormat.YAML);
    assertThat(spec.deployment()).isEqualTo(Deployment.STRAIGHT);
    for (SpecFormat format : SpecFormat.values()) {
      assertThat(AppSpecFiles.parse(AppSpecFiles.write(spec, format), format)).isEqualTo(spec);
    }
    AppSpec none = AppSpecFiles.parse(SPEC.replace("deployment: straight\n", ""), SpecFormat.YAML);
    assertThat(none.deployment()).isEqualTo(Deployment.NONE);
    assertThat(AppSpecFiles.write(none, SpecFormat.YAML)).doesNotContain("deployment");
  }

  @Test
  void anUnknownDeploymentIsRefusedNamingIt() {
    assertThatThrownBy(
            () -> AppSpecFiles.parse(SPEC.replace("straight", "sideways"), SpecFormat.YAML))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "deployment: unknown deployment 'sideways'; use one of: none, straight");
  }
}
