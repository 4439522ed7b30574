package io.clusterlifecycle.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A command request that carries secrets names them and never shows their values. */
class CommandRequestSecretsTest {
  private static final NodeResource NODE =
      NodeResource.builder()
          .ref(new NodeRef("c-1", "shop-db-1"))
          .role("db")
          .instanceId("i-1")
          .address("10.0.0.1")
          .cpu(1)
          .memory(1024)
          .build();

  private static CommandRequest.Builder request() {
    return CommandRequest.builder()
        .node(NODE)
        .service("start")
        .script("db-start")
        .timeout(Duration.ofSeconds(5))
        .environment(Map.of("LC_ROLE", "db", "DB_PASSWORD", "pa55", "EMPTY", ""));
  }

  @Test
  void toString_namesTheVariables_butShowsNoValue() {
    CommandRequest r = request().secretNames(Set.of("DB_PASSWORD", "EMPTY")).build();

    assertThat(r.toString())
        .contains("DB_PASSWORD", "LC_ROLE", "secretNames=[DB_PASSWORD, EMPTY]")
        .doesNotContain("pa55");
    assertThat(r.secretValues()).containsExactly("pa55");
    assertThat(r.toBuilder().build()).isEqualTo(r);
  }

  @Test
  void aSecretName_mustBeAVariableOfTheEnvironment_andNoneIsTheDefault() {
    assertThatThrownBy(() -> request().secretNames(Set.of("API_TOKEN")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret variable API_TOKEN is not in the environment");
    assertThat(request().build().secretNames()).isEmpty();
    assertThat(request().build().secretValues()).isEmpty();
  }
}
