package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad infrastructure and store options (--infra, --inventory, --ssh-key, --kubeconfig, the
 * OpenStack options, the etcd and PostgreSQL security flags) are refused as usage errors (exit 2)
 * that name the option and say what to change, before anything is opened or written: the home is
 * not created.
 */
class InfraOptionsTest {
  private static final Path SPEC = Path.of("../samples/specs/hadoop.yaml");

  private static final String CLOUDS_YAML =
      String.join(
          "\n",
          "clouds:",
          "  lab:",
          "    auth:",
          "      auth_url: http://127.0.0.1:1/v3",
          "      username: admin",
          "      password: s3cret-in-clouds-yaml",
          "      project_name: admin",
          "    region_name: RegionOne",
          "");

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
        new Case("unknown --infra", List.of("--infra", "openstax"), "local, k8s, ssh, openstack"),
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
            "openstack without --ssh-key",
            List.of("--infra", "openstack", "--os-cloud", "lab", "--clouds-yaml", "@clouds.yaml"),
            "give --ssh-key FILE"),
        new Case(
            "unknown cloud",
            List.of(
                "--infra",
                "openstack",
                "--ssh-key",
                "@id",
                "--known-hosts",
                "@known_hosts",
                "--os-cloud",
                "prod",
                "--clouds-yaml",
                "@clouds.yaml"),
            "no cloud named prod"),
        new Case(
            "clouds.yaml without a cloud",
            List.of("--infra", "openstack", "--ssh-key", "@id", "--clouds-yaml", "@clouds.yaml"),
            "give --os-cloud NAME as well"),
        new Case(
            "missing clouds.yaml",
            List.of(
                "--infra",
                "openstack",
                "--ssh-key",
                "@id",
                "--known-hosts",
                "@known_hosts",
                "--os-cloud",
                "lab",
                "--clouds-yaml",
                "@/nope/clouds.yaml"),
            "does not exist"),
        new Case(
            "floating IP without a network",
            List.of(
                "--infra",
                "openstack",
                "--ssh-key",
                "@id",
                "--known-hosts",
                "@known_hosts",
                "--os-cloud",
                "lab",
                "--clouds-yaml",
                "@clouds.yaml",
                "--os-floating-network",
                "public"),
            "give --os-network NAME as well"),
        new Case(
            "SSH port out of range",
            List.of(
                "--infra",
                "openstack",
                "--ssh-key",
                "@id",
                "--known-hosts",
                "@known_hosts",
                "--os-cloud",
                "lab",
                "--clouds-yaml",
                "@clouds.yaml",
                "--ssh-port",
                "0"),
            "1 to 65535"),
        new Case(
            "openstack option without --infra openstack",
            List.of("--os-cloud", "lab"),
            "is an option of --infra openstack"),
        new Case(
            "SSH user with --infra ssh",
            List.of("--infra", "ssh", "--inventory", "@hosts.yaml", "--ssh-user", "ubuntu"),
            "is an option of --infra openstack"),
        new Case(
            "SSH key with --infra local",
            List.of("--ssh-key", "@id"),
            "is an option of --infra ssh or --infra openstack"),
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
        new Case(
            "unknown k8s address kind",
            List.of("--infra", "k8s", "--kubeconfig", "@kubeconfig", "--k8s-addresses", "ipv6"),
            "one of pod-ip, dns-name"),
        new Case(
            "k8s addresses without --infra k8s",
            List.of("--k8s-addresses", "dns-name"),
            "is an option of --infra k8s"),
        new Case("store of no kind", List.of("--store", "mysql://h/db"), "etcds://"),
        new Case(
            "store of no kind, its password hidden",
            List.of("--store", "mysql://h/db?password=s3cret"),
            "'mysql://h/db?password=***' is not"),
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
    Files.writeString(dir.resolve("clouds.yaml"), CLOUDS_YAML);
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
    assertThat(r.out() + r.err()).contains(c.says()).doesNotContain("s3cret");
    assertThat(home).doesNotExist();
  }

  @Test
  void openstackWithoutCredentials_saysWhereTheyComeFrom() throws IOException {
    Files.writeString(dir.resolve("id"), "not really a key");
    InfraOptions o = new InfraOptions();
    o.infra = Infra.openstack;
    o.sshKey = dir.resolve("id");
    o.hostKeyCheck = "accept-new";

    assertThatThrownBy(() -> Infra.openstack.factory().check(o, null, Map.of()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("OS_AUTH_URL is not set")
        .hasMessageContaining("give --os-cloud NAME");
  }

  @Test
  void openstackOptions_overrideTheEnvironment_andNetworkNoneClearsIt() throws IOException {
    Files.writeString(dir.resolve("id"), "not really a key");
    InfraOptions o = new InfraOptions();
    o.infra = Infra.openstack;
    o.sshKey = dir.resolve("id");
    o.hostKeyCheck = "accept-new";
    o.osNetwork = "none";
    o.osFloatingNetwork = "public";
    Map<String, String> env =
        Map.of(
            "OS_AUTH_URL", "http://127.0.0.1:1/v3",
            "OS_USERNAME", "admin",
            "OS_PASSWORD", "s3cret",
            "OS_PROJECT_NAME", "admin",
            "LIFECYCLE_OS_NETWORK", "private");

    assertThatThrownBy(() -> Infra.openstack.factory().check(o, null, env))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("--os-floating-network")
        .hasMessageNotContaining("s3cret");

    o.osNetwork = null;
    assertThat(Infra.openstack.factory().check(o, null, env))
        .as("the network of LIFECYCLE_OS_NETWORK carries the floating IP")
        .isNotNull();
  }

  @Test
  void etcdPassword_isNeverTakenFromTheCommandLine() {
    LifecycleCliTest.Result r = LifecycleCliTest.run("--etcd-password", "s3cret", "list");

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("Unknown option");
  }
}
