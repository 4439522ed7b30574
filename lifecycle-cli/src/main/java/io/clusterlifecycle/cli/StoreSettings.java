package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.spi.etcd.EtcdEndpoints;
import io.clusterlifecycle.spi.etcd.EtcdSecurity;
import io.clusterlifecycle.spi.jdbc.JdbcUrls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the records ({@code --store}) and the metadata tree ({@code --metadata}) live and how the
 * shared stores are secured, checked before anything is opened or written: addresses parsed, files
 * readable, options that would be ignored refused, the etcd password present.
 *
 * @param store where the records go
 * @param tree where the tree goes, when not with the infrastructure's nodes
 * @param etcd TLS files and credentials for etcd
 * @param storeCacert the CA of a PostgreSQL store, for {@code sslmode=verify-full}
 */
record StoreSettings(
    Kind store, Optional<Kind> tree, EtcdSecurity etcd, Optional<Path> storeCacert) {

  /** Where one of the two lives. */
  sealed interface Kind {
    /** Whether this is etcd, Kubernetes or another store with a metadata tree. */
    default boolean holdsTree() {
      return false;
    }
  }

  /** The home's SQLite file. */
  record Sqlite() implements Kind {}

  /** A database a JDBC URL names; user and password from the environment. */
  record Jdbc(String url) implements Kind {}

  /** etcd: records under the store's prefix and the tree. */
  record Etcd(EtcdEndpoints endpoints) implements Kind {
    @Override
    public boolean holdsTree() {
      return true;
    }
  }

  /** ConfigMaps and Leases of the Kubernetes namespace. */
  record Kube() implements Kind {
    @Override
    public boolean holdsTree() {
      return true;
    }
  }

  /** The value of {@code --store} and {@code --metadata} that means Kubernetes. */
  static final String K8S = "k8s";

  /** Whether an address is etcd's, plain ({@code etcd://}) or TLS ({@code etcds://}). */
  static boolean isEtcd(String url) {
    return url != null && (url.startsWith("etcd://") || url.startsWith("etcds://"));
  }

  /**
   * Checks the store options.
   *
   * @param store {@code --store}, or null
   * @param metadata {@code --metadata}, or null
   * @param o the security options
   * @param env the process environment, for the etcd password
   * @return the settings
   * @throws ValidationException naming each option to change; never showing a password
   */
  static StoreSettings check(
      String store, String metadata, StoreOptions o, Map<String, String> env) {
    List<ValidationProblem> p = new ArrayList<>();
    Kind records = kind("--store", store, true, p);
    Kind tree = metadata == null ? null : kind("--metadata", metadata, false, p);
    InfraChecks.throwIf(p);
    if (tree == null && records.holdsTree()) {
      tree = records;
    }
    boolean etcd = records instanceof Etcd || tree instanceof Etcd;
    if (!etcd) {
      for (String[] given :
          new String[][] {
            {"--etcd-cacert", o.etcdCacert == null ? null : ""},
            {"--etcd-cert", o.etcdCert == null ? null : ""},
            {"--etcd-key", o.etcdKey == null ? null : ""},
            {"--etcd-user", o.etcdUser}
          }) {
        if (given[1] != null) {
          p.add(
              ValidationProblem.of(
                  given[0], "is for an etcd store (--store or --metadata etcds://...); drop it"));
        }
      }
    }
    if (o.storeCacert != null
        && !(records instanceof Jdbc j && j.url().startsWith("jdbc:postgresql:"))) {
      p.add(
          ValidationProblem.of(
              "--store-cacert",
              "is for a PostgreSQL store (--store jdbc:postgresql://...); drop it"));
    }
    InfraChecks.readableFile(p, "--store-cacert", o.storeCacert, "a PEM file of the server's CA");
    EtcdSecurity security = EtcdSecurity.NONE;
    if (etcd) {
      security = etcdSecurity(o, env, p, List.of(records, tree == null ? records : tree));
    }
    InfraChecks.throwIf(p);
    return new StoreSettings(
        records, Optional.ofNullable(tree), security, Optional.ofNullable(o.storeCacert));
  }

  /** Whether anything of the session lives in Kubernetes. */
  boolean usesKubernetes() {
    return store instanceof Kube || tree.filter(Kube.class::isInstance).isPresent();
  }

  private static Kind kind(
      String option, String value, boolean records, List<ValidationProblem> p) {
    if (value == null) {
      return new Sqlite();
    }
    if (value.equals(K8S)) {
      return new Kube();
    }
    if (isEtcd(value)) {
      try {
        return new Etcd(EtcdEndpoints.parse(value));
      } catch (ValidationException e) {
        e.problems().forEach(q -> p.add(ValidationProblem.of(option, q.reason())));
        return null;
      }
    }
    if (records && value.startsWith("jdbc:")) {
      return new Jdbc(value);
    }
    p.add(
        ValidationProblem.of(
            option,
            "'"
                + JdbcUrls.redacted(value)
                + "' is not "
                + (records ? "a JDBC URL (jdbc:postgresql://HOST/DB), " : "")
                + "an etcd address (etcd://HOST:PORT, etcds://HOST:PORT for TLS) or k8s"));
    return null;
  }

  private static EtcdSecurity etcdSecurity(
      StoreOptions o, Map<String, String> env, List<ValidationProblem> p, List<Kind> kinds) {
    InfraChecks.readableFile(p, "--etcd-cacert", o.etcdCacert, "a PEM file of etcd's CA");
    InfraChecks.readableFile(p, "--etcd-cert", o.etcdCert, "a PEM client certificate");
    InfraChecks.readableFile(p, "--etcd-key", o.etcdKey, "a PEM (PKCS#8) key");
    if ((o.etcdCert == null) != (o.etcdKey == null)) {
      p.add(
          ValidationProblem.of(
              o.etcdCert == null ? "--etcd-cert" : "--etcd-key",
              "--etcd-cert and --etcd-key go together; give both"));
    }
    boolean tlsFiles = o.etcdCacert != null || o.etcdCert != null;
    for (Kind k : kinds) {
      if (tlsFiles && k instanceof Etcd e && !e.endpoints().tls()) {
        p.add(
            ValidationProblem.of(
                o.etcdCacert != null ? "--etcd-cacert" : "--etcd-cert",
                "TLS files were given for "
                    + e.endpoints()
                    + ", a plain-text address; write etcds://HOST:PORT to use TLS"));
        break;
      }
    }
    String password = env.get(StoreOptions.ETCD_PASSWORD_ENV);
    if (o.etcdUser != null && o.etcdUser.isBlank()) {
      p.add(ValidationProblem.of("--etcd-user", "is blank; give the etcd user name"));
    } else if (o.etcdUser != null && (password == null || password.isEmpty())) {
      p.add(
          ValidationProblem.of(
              "--etcd-user",
              "needs the user's password in the environment variable "
                  + StoreOptions.ETCD_PASSWORD_ENV
                  + " (never on the command line)"));
    } else if (o.etcdUser == null && password != null) {
      p.add(
          ValidationProblem.of(
              StoreOptions.ETCD_PASSWORD_ENV,
              "is set but no --etcd-user is given; give the user it is the password of"));
    }
    if (!p.isEmpty()) {
      return EtcdSecurity.NONE;
    }
    EtcdSecurity.Builder b = EtcdSecurity.builder();
    Optional.ofNullable(o.etcdCacert).ifPresent(b::trustedCertificates);
    if (o.etcdCert != null) {
      b.clientCertificate(o.etcdCert, o.etcdKey);
    }
    if (o.etcdUser != null) {
      b.credentials(o.etcdUser, password.toCharArray());
    }
    return b.build();
  }
}
