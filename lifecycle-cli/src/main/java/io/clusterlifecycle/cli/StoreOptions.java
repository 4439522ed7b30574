package io.clusterlifecycle.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The global options that secure the shared stores (docs/design.md §9.8): etcd's TLS files and
 * user, PostgreSQL's CA for {@code sslmode=verify-full}. Passwords come from the environment only,
 * never from the command line, where {@code ps} would show them.
 */
final class StoreOptions {
  /** The variable holding the password of {@code --etcd-user}. */
  static final String ETCD_PASSWORD_ENV = "LIFECYCLE_ETCD_PASSWORD";

  /** The variables holding the PostgreSQL store's user and password. */
  static final String STORE_USER_ENV = "LIFECYCLE_STORE_USER";

  /** The variable holding the PostgreSQL store's password. */
  static final String STORE_PASSWORD_ENV = "LIFECYCLE_STORE_PASSWORD";

  @Option(
      names = "--etcd-cacert",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "Verify etcd's servers against this CA (PEM); needs an etcds:// address (default:"
              + " the JVM's authorities).")
  Path etcdCacert;

  @Option(
      names = "--etcd-cert",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "The client certificate (PEM) shown to etcd; with --etcd-key.")
  Path etcdCert;

  @Option(
      names = "--etcd-key",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "The client certificate's key (PEM, unencrypted PKCS#8); with --etcd-cert.")
  Path etcdKey;

  @Option(
      names = "--etcd-user",
      scope = ScopeType.INHERIT,
      paramLabel = "USER",
      description =
          "Authenticate to etcd as USER, with the password in $" + ETCD_PASSWORD_ENV + ".")
  String etcdUser;

  @Option(
      names = "--store-cacert",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "Connect to the PostgreSQL store with sslmode=verify-full against this CA (PEM).")
  Path storeCacert;
}
