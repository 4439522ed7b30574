package io.clusterlifecycle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.spec.SecretRef;
import io.clusterlifecycle.api.spi.SecretResolutionException;
import io.clusterlifecycle.api.spi.SecretResolutionException.Reason;
import io.clusterlifecycle.api.spi.SecretResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in secret resolvers (docs/design.md §9.9): values found, failures typed and mute. */
class SecretResolversTest {
  private static final String VALUE = "v4lue-that-must-not-leak";

  @TempDir Path dir;

  private static String resolve(SecretResolver r, String ref) {
    return r.resolve(SecretRef.parse(ref)).toCompletableFuture().join();
  }

  private static SecretResolutionException failure(SecretResolver r, String ref) {
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> r.resolve(SecretRef.parse(ref)).toCompletableFuture().join());
    assertThat(t).isInstanceOf(CompletionException.class);
    assertThat(t.getCause()).isInstanceOf(SecretResolutionException.class);
    SecretResolutionException e = (SecretResolutionException) t.getCause();
    assertThat(e.getMessage()).contains(ref).doesNotContain(VALUE);
    return e;
  }

  @Test
  void environment_findsAVariable_andNamesAMissingOne() {
    SecretResolver env = SecretResolvers.environment(Map.of("DB_PASSWORD", VALUE));

    assertThat(resolve(env, "env:DB_PASSWORD")).isEqualTo(VALUE);
    assertThat(failure(env, "env:NOPE").reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(failure(env, "file:/etc/passwd").reason()).isEqualTo(Reason.UNKNOWN_SCHEME);
  }

  @Test
  void files_giveTheTrimmedContent_andTypedFailures() throws Exception {
    Path f = dir.resolve("db");
    Files.writeString(f, "\n  " + VALUE + "\n\n");
    Path dirRef = Files.createDirectory(dir.resolve("sub"));
    Path notUtf8 = dir.resolve("bin");
    Files.write(notUtf8, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
    SecretResolver files = SecretResolvers.files();

    assertThat(resolve(files, "file:" + f)).isEqualTo(VALUE);
    assertThat(failure(files, "file:" + dir.resolve("missing")).reason())
        .isEqualTo(Reason.NOT_FOUND);
    assertThat(failure(files, "file:" + dirRef).reason()).isEqualTo(Reason.UNREADABLE);
    assertThat(failure(files, "file:" + notUtf8).reason()).isEqualTo(Reason.UNREADABLE);
  }

  @Test
  void ownerOnlyFiles_refuseAFileItsGroupOrOthersMayRead() throws Exception {
    Path open = dir.resolve("open");
    Files.writeString(open, VALUE);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Path closed = dir.resolve("closed");
    Files.writeString(closed, VALUE);
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rw-------"));
    SecretResolver strict = SecretResolvers.files(true, Runnable::run);

    SecretResolutionException e = failure(strict, "file:" + open);
    assertThat(e.reason()).isEqualTo(Reason.INSECURE);
    assertThat(e.getMessage()).contains("chmod 600");
    assertThat(resolve(strict, "file:" + closed)).isEqualTo(VALUE);
    assertThat(resolve(SecretResolvers.files(), "file:" + open)).isEqualTo(VALUE);
  }

  @Test
  void host_looksUpTheKey_fromAMapOrAFunction() {
    assertThat(resolve(SecretResolvers.host(Map.of("db", VALUE)), "host:db")).isEqualTo(VALUE);
    SecretResolver fn =
        SecretResolvers.host(k -> k.equals("db") ? Optional.of(VALUE) : Optional.empty());
    assertThat(resolve(fn, "host:db")).isEqualTo(VALUE);
    assertThat(failure(fn, "host:other").reason()).isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void byScheme_dispatches_andListsTheSchemesItKnowsForAnotherOne() {
    SecretResolver r =
        SecretResolvers.byScheme(
            Map.of(
                "env", SecretResolvers.environment(Map.of("A", VALUE)),
                "host", SecretResolvers.host(Map.of("a", "other"))));

    assertThat(resolve(r, "env:A")).isEqualTo(VALUE);
    assertThat(resolve(r, "host:a")).isEqualTo("other");
    SecretResolutionException e = failure(r, "vault:kv/db");
    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEME);
    assertThat(e.getMessage()).contains("env:, host:");
    assertThat(e.reference()).isEqualTo(new SecretRef("vault", "kv/db"));
  }

  @Test
  void defaults_resolveEnvAndFile_butNotHost() throws Exception {
    Path f = dir.resolve("s");
    Files.writeString(f, VALUE);
    assertThat(resolve(SecretResolvers.defaults(), "file:" + f)).isEqualTo(VALUE);
    assertThat(failure(SecretResolvers.defaults(), "host:x").reason())
        .isEqualTo(Reason.UNKNOWN_SCHEME);
    assertThatThrownBy(() -> SecretResolvers.byScheme(null))
        .isInstanceOf(NullPointerException.class);
  }
}
