package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad infrastructure and store options (--infra, --inventory, --ssh-key, --kubeconfig, the etcd and
 * PostgreSQL security flags) are refused as usage errors (exit 2) that name the option and say what
 * to change, before anything is opened or written: the home is not created.
 */
class InfraOptionsTest {
  private static final Path SPEC = Path.of("../samples/specs/hadoop.yaml");

  @TempDir Path dir;

  /** One bad command line: its options before {@code create}, and what the error must say. */
  record Case(String name, List<String> options, String says) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("unknown --infra", List.of("--infra", "openstax"), "local, k8s, ssh"),
        new Case("ssh without inventory", List.of("--infra", "ssh"), "--inventory hosts.yaml"),
        new Case(
            "missing inventory",
            List.of("--infra", "ssh", "--inventory", "@/nope/hosts.yaml"),
            "does not exist"),
        new Case(
            "inventory that is a directory",
            List.of("--infra", "ssh", "--inventory", "@"),
            "is not a file"),
        new Case(
            "unreadable --ssh-key",
            List.of("--infra", "ssh", "--inventory", "@hosts.yaml", "--ssh-key", "@/nope/id"),
            "--ssh-key"),
        new Case(
            "host without a key and no --ssh-key",
            List.of(
                "--infra", "ssh", "--inventory", "@hosts.yaml", "--known-hosts", "@known_hosts"),
            "names no key"),
        new Case(
            "missing known-hosts in strict mode",
            List.of(
                "--infra",
                "ssh",
                "--inventory",
                "@hosts.yaml",
                "--ssh-key",
                "@id",
                "--known-hosts",
                "@/nope/known"),
            "accept-new"),
        new Case(
            "unknown host-key mode",
            List.of("--infra", "ssh", "--inventory", "@hosts.yaml", "--host-key-check", "trusting"),
            "strict, accept-new, pinned"),
        new Case(
            "pinned without keys",
            List.of("--infra", "ssh", "--inventory", "@hosts.yaml", "--host-key-check", "pinned"),
            "--pin-host-key"),
        new Case(
            "inventory without --infra ssh",
            List.of("--inventory", "@hosts.yaml"),
            "is an option of --infra ssh"),
        new Case(
            "k8s image without --infra k8s", List.of("--k8s-image", "web=nginx"), "--infra k8s"),
        new Case(
            "bad kubeconfig",
            List.of("--infra", "k8s", "--kubeconfig", "@garbage.kubeconfig"),
            "kubeconfig"),
        new Case(
            "missing kubeconfig",
            List.of("--infra", "k8s", "--kubeconfig", "@/nope/config"),
            "does not exist"),
        new Case(
            "unknown context",
            List.of("--infra", "k8s", "--kubeconfig", "@kubeconfig", "--context", "prod"),
            "no context 'prod'"),
        new Case(
            "bad k8s namespace",
            List.of("--infra", "k8s", "--kubeconfig", "@kubeconfig", "--k8s-namespace", "Apps_1"),
            "namespace name"),
        new Case("kubeconfig unused", List.of("--kubeconfig", "@kubeconfig"), "--infra k8s"),
        new Case("store of no kind", List.of("--store", "mysql://h/db"), "etcds://"),
        new Case(
            "etcd flags without an etcd store",
            List.of("--etcd-cacert", "@ca.pem"),
            "is for an etcd store"),
        new Case(
            "missing etcd CA",
            List.of("--store", "etcds://127.0.0.1:1", "--etcd-cacert", "@/nope/ca.pem"),
            "does not exist"),
        new Case(
            "TLS files for a plain address",
            List.of("--store", "etcd://127.0.0.1:1", "--etcd-cacert", "@ca.pem"),
            "write etcds://"),
        new Case(
            "client certificate without its key",
            List.of("--store", "etcds://127.0.0.1:1", "--etcd-cert", "@ca.pem"),
            "give both"),
        new Case(
            "etcd user without password",
            List.of("--store", "etcds://127.0.0.1:1", "--etcd-user", "engine"),
            "LIFECYCLE_ETCD_PASSWORD"),
        new Case("store CA for SQLite", List.of("--store-cacert", "@ca.pem"), "PostgreSQL store"),
        new Case(
            "missing store CA",
            List.of("--store", "jdbc:postgresql://127.0.0.1:1/x", "--store-cacert", "@/nope/ca"),
            "does not exist"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badOption_exitsTwo_namesWhatToChange_createsNothing(Case c) throws IOException {
    Files.writeString(dir.resolve("hosts.yaml"), "hosts:\n  - address: 127.0.0.1\n");
    Files.writeString(dir.resolve("known_hosts"), "");
    Files.writeString(dir.resolve("id"), "not really a key");
    Files.writeString(dir.resolve("ca.pem"), "not really a certificate");
    Files.writeString(dir.resolve("garbage.kubeconfig"), "{{{ this is: [not yaml");
    Files.writeString(dir.resolve("kubeconfig"), K8sPlanFormatTest.kubeconfig("127.0.0.1", 1));
    Path home = dir.resolve("home");
    List<String> args = new ArrayList<>(List.of("--home", home.toString()));
    for (String o : c.options()) {
      args.add(o.startsWith("@") ? dir.resolve(o.substring(1)).normalize().toString() : o);
    }
    args.addAll(List.of("create", SPEC.toString(), "--name", "h"));

    LifecycleCliTest.Result r = LifecycleCliTest.run(args.toArray(String[]::new));

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out() + r.err()).contains(c.says());
    assertThat(home).doesNotExist();
  }

  @Test
  void etcdPassword_isNeverTakenFromTheCommandLine() {
    LifecycleCliTest.Result r = LifecycleCliTest.run("--etcd-password", "s3cret", "list");

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("Unknown option");
  }
}
