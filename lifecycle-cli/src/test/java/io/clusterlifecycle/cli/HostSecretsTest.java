package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret schemes the tool resolves: {@code env:} and {@code file:}, and {@code host:} from
 * {@code --host-secrets FILE}. Any other scheme, or {@code host:} without the file, is refused at
 * validate and at create (exit 2, naming the schemes allowed, creating nothing); a host secret
 * reaches the service that lists it and no output.
 */
class HostSecretsTest {
  private static final String VALUE = "h0st-s3cret-value";

  @TempDir Path dir;

  private Path spec(String reference) throws IOException {
    Path spec = dir.resolve("app.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: app",
            "version: \"1\"",
            "secrets:",
            "  API_TOKEN: " + reference,
            "roles:",
            "  - role: web",
            "    count: 1",
            "    services:",
            "      start:",
            "        cmd: printf %s \"$API_TOKEN\" > token",
            "        secrets: [API_TOKEN]",
            ""));
    return spec;
  }

  private Path hostSecrets(String mode) throws IOException {
    Path file = dir.resolve("host-secrets.yaml");
    Files.writeString(file, "api-token: " + VALUE + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void unknownScheme_refusedByValidate_namingTheSchemesAllowed() throws IOException {
    LifecycleCliTest.Result r = LifecycleCliTest.run("validate", spec("vault:kv/api").toString());

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out())
        .contains("secrets.API_TOKEN")
        .contains("scheme 'vault:'")
        .contains("use env:, file:")
        .contains("host: with --host-secrets FILE");
  }

  @Test
  void unknownScheme_refusedByCreate_beforeTheHomeExists() throws IOException {
    Path home = dir.resolve("home");

    LifecycleCliTest.Result r =
        LifecycleCliTest.run(
            "--home", home.toString(), "create", spec("vault:kv/api").toString(), "--name", "a");

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("scheme 'vault:'");
    assertThat(home).doesNotExist();
  }

  @Test
  void hostScheme_withoutHostSecrets_isRefused() throws IOException {
    LifecycleCliTest.Result r = LifecycleCliTest.run("validate", spec("host:api-token").toString());

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out()).contains("scheme 'host:'", "--host-secrets FILE");
  }

  @Test
  void hostSecret_reachesTheServiceThatListsIt_andNoOutput() throws IOException {
    Path home = dir.resolve("home");

    LifecycleCliTest.Result r =
        LifecycleCliTest.run(
            "--home",
            home.toString(),
            "--host-secrets",
            hostSecrets("rw-------").toString(),
            "create",
            spec("host:api-token").toString(),
            "--name",
            "a");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(home.resolve("nodes/a-web-1/token")).hasContent(VALUE);
    assertThat(r.out() + r.err()).doesNotContain(VALUE);
  }

  @Test
  void hostSecretsFile_readableByOthers_isRefused_withoutShowingAValue() throws IOException {
    Path home = dir.resolve("home");

    LifecycleCliTest.Result r =
        LifecycleCliTest.run(
            "--home",
            home.toString(),
            "--host-secrets",
            hostSecrets("rw-r--r--").toString(),
            "create",
            spec("host:api-token").toString(),
            "--name",
            "a");

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--host-secrets", "chmod 600").doesNotContain(VALUE);
    assertThat(home).doesNotExist();
  }
}
