package io.clusterlifecycle.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationProblem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Secrets in the app spec (docs/design.md §2): references only, declared before use. */
class SecretSpecTest {

  private static AppSpec.Builder base() {
    return AppSpec.builder("shop", "1")
        .role("db", r -> r.service("start", s -> s.cmd("db-start").addSecret("DB_PASSWORD")));
  }

  private static List<String> problems(AppSpec spec) {
    return spec.validate().stream().map(p -> p.path() + ": " + p.reason()).toList();
  }

  @Test
  void declaredAndListedSecrets_areValid_andKeptAsReferences() {
    AppSpec spec =
        base()
            .secret("DB_PASSWORD", "file:/run/secrets/db")
            .secret("API_TOKEN", "host:api-token")
            .secret("VAULT", "vault:kv/shop")
            .build();

    assertThat(spec.secrets())
        .containsExactly(
            Map.entry("DB_PASSWORD", "file:/run/secrets/db"),
            Map.entry("API_TOKEN", "host:api-token"),
            Map.entry("VAULT", "vault:kv/shop"));
    assertThat(spec.role("db").orElseThrow().service("start").orElseThrow().secrets())
        .containsExactly("DB_PASSWORD");
    assertThat(spec.secretRef("API_TOKEN")).contains(new SecretRef("host", "api-token"));
    assertThat(spec.secretRef("NONE")).isEmpty();
    assertThat(spec.toBuilder().build()).isEqualTo(spec);
  }

  @Test
  void aServiceNamingAnUndeclaredSecret_orOneTwice_isAProblemAtItsPath() {
    AppSpec spec =
        new AppSpec(
            "shop",
            "1",
            Map.of(),
            List.of(
                RoleSpec.builder("db")
                    .service(
                        "start", s -> s.cmd("x").addSecret("DB_PASSWORD", "NOPE", "DB_PASSWORD"))
                    .build()),
            Map.of("DB_PASSWORD", "env:DB_PASSWORD"));

    assertThat(problems(spec))
        .containsExactly(
            "roles[0].services.start.secrets[1]: names secret 'NOPE', which the spec does not"
                + " declare under secrets: (declared: DB_PASSWORD)",
            "roles[0].services.start.secrets[2]: lists secret 'DB_PASSWORD' twice (also [0])");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "hunter2 | must be a reference <scheme>:<name>",
        "env: | must not be blank",
        "env:DB-PASS | env: must name an environment variable",
        "file:run/secrets/db | file: must name a file by its absolute path",
        "host:-x | host: must name a key",
        "Env:X | scheme 'Env' must match",
        "env: X | must not be blank or padded"
      })
  void aMalformedReference_isAProblem_thatDoesNotRepeatIt(String reference, String reason) {
    AppSpec spec =
        new AppSpec(
            "shop",
            "1",
            Map.of(),
            base().secret("DB_PASSWORD", "env:A").build().roles(),
            Map.of("DB_PASSWORD", reference));

    List<ValidationProblem> problems = spec.validate();

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("secrets.DB_PASSWORD");
              assertThat(p.reason()).contains(reason);
            });
    assertThatThrownBy(() -> SecretRef.parse(reference))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void secretNames_mustBeVariableNames_notLcNames_andNotEnvKeys() {
    AppSpec spec =
        new AppSpec(
            "shop",
            "1",
            Map.of("DB_HOST", "db1"),
            base().secret("DB_PASSWORD", "env:A").build().roles(),
            Map.of(
                "DB_PASSWORD", "env:A",
                "LC_NODE_ID", "env:B",
                "bad-name", "env:C",
                "DB_HOST", "env:D"));

    assertThat(problems(spec))
        .containsExactlyInAnyOrder(
            "secrets.LC_NODE_ID: name must not start with LC_, which the engine's own variables use",
            "secrets.bad-name: name must match [A-Za-z_][A-Za-z0-9_]{0,127} (an environment"
                + " variable name: a letter or '_', then letters, digits or '_'; at most 128)",
            "secrets.DB_HOST: is also an env key; give the secret and the env entry different"
                + " names");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DB_PASSWORD",
        "admin_password",
        "JWT_SECRET",
        "github-token",
        "API_KEY",
        "ssh_key"
      })
  void anEnvKeyThatLooksLikeASecret_withAValue_isRefused_withoutQuotingTheValue(String key) {
    AppSpec spec = base().secret("DB_PASSWORD", "env:A").build();
    AppSpec withEnv = new AppSpec("shop", "1", Map.of(key, "hunter2"), spec.roles(), Map.of());

    assertThat(AppSpec.looksLikeSecret(key)).isTrue();
    assertThat(withEnv.validate())
        .anySatisfy(
            p -> {
              assertThat(p.path()).isEqualTo("env." + key);
              assertThat(p.reason()).startsWith("looks like a secret").contains("secrets:");
            })
        .allSatisfy(p -> assertThat(p.reason()).doesNotContain("hunter2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"KEYSPACE", "monkey", "key_size", "TOKENIZER_PATH_x"})
  void otherEnvKeys_andSecretLookingKeysWithAnEmptyValue_areFine(String key) {
    boolean looks = AppSpec.looksLikeSecret(key);
    assertThat(looks).isEqualTo(key.startsWith("TOKEN"));
    AppSpec spec =
        new AppSpec(
            "shop",
            "1",
            Map.of(key, looks ? "" : "v"),
            List.of(RoleSpec.builder("db").service("start", "x").build()),
            Map.of());
    assertThat(spec.validate()).isEmpty();
  }

  @Test
  void theOldConstructors_meanNoSecrets() {
    AppSpec spec = new AppSpec("a", "1", Map.of(), List.of(RoleSpec.builder("r").build()));
    ServiceSpec s =
        new ServiceSpec(
            "x",
            0,
            ServiceSpec.DEFAULT_TIMEOUT,
            1,
            false,
            false,
            java.util.Optional.empty(),
            List.of());
    assertThat(spec.secrets()).isEmpty();
    assertThat(s.secrets()).isEmpty();
    assertThat(s.toBuilder().addSecret("A").build().secrets()).containsExactly("A");
  }
}
