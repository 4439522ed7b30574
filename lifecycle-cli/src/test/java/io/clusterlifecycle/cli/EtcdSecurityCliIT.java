package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.testsupport.EtcdServer;
import io.clusterlifecycle.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd security flags of the command-line tool against a real etcd that speaks only TLS, asks
 * for a client certificate and has authentication on, the engine's user granted read and write on
 * the store's and the tree's prefixes only (docs/design.md §9.8). The password goes through {@code
 * LIFECYCLE_ETCD_PASSWORD}, so those runs start the tool's jar as a process of its own.
 */
class EtcdSecurityCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CLI =
      Path.of(System.getProperty("lifecycle.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("lifecycle-cli/target/lifecycle-cli.jar");
  private static final String USER = "engine";
  private static final String PASSWORD = "engine-pw-6b2d";
  private static final String WRONG_PASSWORD = "wrong-pw-31f9";
  private static final String SPEC =
      String.join(
          "\n",
          "name: tiny",
          "version: \"1\"",
          "roles:",
          "  - role: web",
          "    count: 1",
          "    services:",
          "      start: {cmd: \"true\"}",
          "");

  @TempDir static Path dir;
  private static TestCertificates certs;
  private static EtcdServer etcd;
  private static Path spec;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.create(dir.resolve("certs"));
    etcd = EtcdServer.startTls(certs);
    etcd.addPrefixUser(USER, PASSWORD, "lifecycle-engine", "/lifecycle");
    etcd.etcdctl(
        "role", "grant-permission", "lifecycle-engine", "--prefix=true", "readwrite", "/clusters");
    etcd.enableAuth("root-pw-0c4e");
    spec = dir.resolve("tiny.yaml");
    Files.writeString(spec, SPEC);
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  /** The tool's options for this etcd over TLS with the client certificate. */
  private static List<String> tls(Path home) {
    return List.of(
        "--home",
        home.toString(),
        "--store",
        etcd.url(),
        "--etcd-cacert",
        certs.caCertificate().toString(),
        "--etcd-cert",
        certs.clientCertificate().toString(),
        "--etcd-key",
        certs.clientKey().toString());
  }

  /** Runs the tool's jar with the password in its environment. */
  private static LifecycleCliTest.Result process(String password, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                CLI.toString()));
    cmd.addAll(args);
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put(StoreOptions.ETCD_PASSWORD_ENV, password);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the tool did not end within 120 s: " + Files.readString(err));
    }
    return new LifecycleCliTest.Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void tlsClientCertificateAndUser_createAndList_recordsInTheGrantedPrefix() throws Exception {
    Path home = dir.resolve("home-ok");
    List<String> create = new ArrayList<>(tls(home));
    create.addAll(
        List.of("--etcd-user", USER, "--json", "create", spec.toString(), "--name", "t1"));

    LifecycleCliTest.Result created = process(PASSWORD, create);

    assertThat(created.code()).as(created.err()).isZero();
    assertThat(JSON.readTree(created.out()).get("state").asText()).isEqualTo("RUNNING");
    List<String> list = new ArrayList<>(tls(home));
    list.addAll(List.of("--etcd-user", USER, "--json", "list"));
    LifecycleCliTest.Result listed = process(PASSWORD, list);
    assertThat(listed.code()).as(listed.err()).isZero();
    JsonNode clusters = JSON.readTree(listed.out());
    assertThat(clusters.findValuesAsText("name")).contains("t1");
    assertThat(etcd.etcdctl("get", "--prefix", "--keys-only", "/lifecycle")).contains("t1");
    assertThat(etcd.etcdctl("get", "--prefix", "--keys-only", "/clusters")).contains("/hosts/");
    assertThat(created.out() + created.err() + listed.err()).doesNotContain(PASSWORD);
  }

  @Test
  void wrongPassword_isAClearAuthenticationError_withoutThePassword() throws Exception {
    List<String> args = new ArrayList<>(tls(dir.resolve("home-wrong")));
    args.addAll(List.of("--etcd-user", USER, "list"));

    LifecycleCliTest.Result r = process(WRONG_PASSWORD, args);

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains("lifecycle: ").contains(USER).containsIgnoringCase("password");
    assertThat(r.out() + r.err()).doesNotContain(WRONG_PASSWORD).doesNotContain(PASSWORD);
  }

  @Test
  void missingCertificateFile_isAUsageError_beforeAnythingIsOpened() {
    Path home = dir.resolve("home-missing-cert");
    List<String> args = new ArrayList<>(tls(home));
    args.set(args.indexOf("--etcd-cert") + 1, dir.resolve("no-such-client.pem").toString());
    args.addAll(List.of("create", spec.toString(), "--name", "t2"));

    LifecycleCliTest.Result r = LifecycleCliTest.run(args.toArray(String[]::new));

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--etcd-cert", "no-such-client.pem", "does not exist");
    assertThat(home).doesNotExist();
  }

  @Test
  void serverSignedByAnotherAuthority_isRefusedAsNotTrusted() {
    List<String> args = new ArrayList<>(tls(dir.resolve("home-other-ca")));
    args.set(args.indexOf("--etcd-cacert") + 1, certs.otherCaCertificate().toString());
    args.add("list");

    LifecycleCliTest.Result r = LifecycleCliTest.run(args.toArray(String[]::new));

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains(certs.otherCaCertificate().toString());
  }
}
