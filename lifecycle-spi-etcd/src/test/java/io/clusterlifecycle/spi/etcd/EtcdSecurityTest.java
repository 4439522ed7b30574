package io.clusterlifecycle.spi.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.spi.etcd.EtcdAccessException.Reason;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The etcd TLS and credential settings, and TLS addresses, without a server. */
class EtcdSecurityTest {
  private static final String SECRET = "s3cret-pw-0f9e";

  @TempDir Path dir;

  private Path pem(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void toString_namesFilesAndUser_butNeverThePassword() throws Exception {
    Path ca = pem("ca.pem", "x");
    EtcdSecurity s =
        EtcdSecurity.builder()
            .trustedCertificates(ca)
            .credentials("engine", SECRET.toCharArray())
            .build();
    assertThat(s.toString())
        .contains(ca.toString())
        .contains("user engine")
        .contains("password ***")
        .doesNotContain(SECRET);
    assertThat(s.tls()).isTrue();
    assertThat(EtcdSecurity.NONE.tls()).isFalse();
    assertThat(EtcdSecurity.NONE).hasToString("EtcdSecurity[no tls]");
  }

  @Test
  void credentials_areCopied_soTheCallerCanWipeTheirArray() {
    char[] given = SECRET.toCharArray();
    EtcdSecurity s = EtcdSecurity.builder().credentials("engine", given).build();
    Arrays.fill(given, '\0');
    assertThat(new String(s.password())).isEqualTo(SECRET);
  }

  @Test
  void badSettings_areRefused_sayingWhatToGive() {
    assertThatThrownBy(() -> EtcdSecurity.builder().credentials(" ", SECRET.toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user name is blank");
    assertThatThrownBy(() -> EtcdSecurity.builder().credentials("engine", new char[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("give the user's password");
    Path missing = dir.resolve("missing-ca.pem");
    assertThatThrownBy(() -> EtcdSecurity.builder().trustedCertificates(missing).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void tlsFilesThatAreNotPem_areRefusedWhenConnecting_namingThem() throws Exception {
    Path ca = pem("ca.pem", "not a certificate");
    EtcdSecurity s = EtcdSecurity.builder().trustedCertificates(ca).build();
    assertThatThrownBy(() -> EtcdEndpoints.parse("etcds://127.0.0.1:2379").connect(s))
        .isInstanceOfSatisfying(
            EtcdAccessException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNUSABLE_TLS_FILES))
        .hasMessageContaining(ca.toString())
        .hasMessageContaining("PKCS#8");
  }

  @Test
  void tlsFiles_withAPlainTextAddress_areRefused_sayingToWriteEtcds() throws Exception {
    EtcdSecurity s = EtcdSecurity.builder().trustedCertificates(pem("ca.pem", "x")).build();
    assertThatThrownBy(() -> EtcdEndpoints.parse("etcd://127.0.0.1:2379").connect(s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("write etcds://");
  }

  @Test
  void parse_etcdsAndHttps_areTls() {
    EtcdEndpoints e = EtcdEndpoints.parse("etcds://10.0.0.5:2379,etcd-2:2380");
    assertThat(e.uris())
        .containsExactly(URI.create("https://10.0.0.5:2379"), URI.create("https://etcd-2:2380"));
    assertThat(e.tls()).isTrue();
    assertThat(e).hasToString("etcds://10.0.0.5:2379,etcd-2:2380");
    assertThat(EtcdEndpoints.parse("https://127.0.0.1:2379").tls()).isTrue();
    assertThat(EtcdEndpoints.parse("etcd://127.0.0.1:2379").tls()).isFalse();
  }

  @Test
  void parse_refusesCredentialsInTheAddress_andMixedSchemes() {
    assertThatThrownBy(() -> EtcdEndpoints.parse("etcds://engine:" + SECRET + "@h:2379"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("must not hold a user or password")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(
            () ->
                new EtcdEndpoints(
                    List.of(URI.create("http://a:2379"), URI.create("https://b:2379"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mix http and https");
  }
}
