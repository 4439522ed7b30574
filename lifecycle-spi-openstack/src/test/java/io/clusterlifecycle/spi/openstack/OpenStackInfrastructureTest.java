package io.clusterlifecycle.spi.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenStackInfrastructureTest {
  @TempDir Path dir;

  @Test
  void credentialsFromEnvironment_readPasswordAuthWithProjectScopeAndRegion() {
    OpenStackCredentials c =
        OpenStackInfrastructure.credentialsFromEnvironment(
            Map.of(
                "OS_AUTH_URL", "http://keystone:5000",
                "OS_USERNAME", "alice",
                "OS_PASSWORD", "pw-1",
                "OS_PROJECT_NAME", "apps",
                "OS_USER_DOMAIN_NAME", "Users",
                "OS_PROJECT_DOMAIN_ID", "default",
                "OS_REGION_NAME", "RegionTwo",
                "OS_INTERFACE", "internal"));

    assertThat(c.authUrl()).hasToString("http://keystone:5000/v3");
    assertThat(c.username()).contains("alice");
    assertThat(c.projectName()).contains("apps");
    assertThat(c.userDomainName()).contains("Users");
    assertThat(c.projectDomainName()).contains("Default");
    assertThat(c.region()).contains("RegionTwo");
    assertThat(c.endpointInterface()).isEqualTo("internal");
    assertThat(c.isApplicationCredential()).isFalse();
    assertThat(c.toString()).doesNotContain("pw-1");
  }

  @Test
  void credentialsFromEnvironment_readAnApplicationCredential_withoutAProject() {
    OpenStackCredentials c =
        OpenStackInfrastructure.credentialsFromEnvironment(
            Map.of(
                "OS_AUTH_URL", "https://keystone/v3",
                "OS_APPLICATION_CREDENTIAL_ID", "ac-1",
                "OS_APPLICATION_CREDENTIAL_SECRET", "very-secret"));

    assertThat(c.isApplicationCredential()).isTrue();
    assertThat(c.applicationCredentialId()).contains("ac-1");
    assertThat(c.toString()).contains("ac-1").doesNotContain("very-secret");
  }

  @Test
  void credentialsFromEnvironment_sayWhatIsMissing() {
    assertThatThrownBy(() -> OpenStackInfrastructure.credentialsFromEnvironment(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OS_AUTH_URL");
    assertThatThrownBy(
            () ->
                OpenStackInfrastructure.credentialsFromEnvironment(
                    Map.of("OS_AUTH_URL", "http://k/v3", "OS_USERNAME", "a", "OS_PASSWORD", "p")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OS_PROJECT_NAME");
  }

  @Test
  void cloudsYaml_isReadByCloudName_andThroughOsCloud() throws Exception {
    Path file = dir.resolve("clouds.yaml");
    Files.writeString(
        file,
        """
        clouds:
          other:
            auth: {auth_url: "http://other/v3", username: x, password: y, project_name: z}
          dev:
            auth:
              auth_url: http://127.0.0.1:5000/v3
              username: admin
              password: admin-pw
              project_name: admin
              user_domain_name: Default
              project_domain_name: Default
            region_name: RegionOne
            interface: public
        """);

    OpenStackCredentials direct = OpenStackInfrastructure.credentialsFromCloudsYaml(file, "dev");
    OpenStackCredentials viaEnv =
        OpenStackInfrastructure.credentialsFromEnvironment(
            Map.of("OS_CLOUD", "dev", "OS_CLIENT_CONFIG_FILE", file.toString()));

    for (OpenStackCredentials c : new OpenStackCredentials[] {direct, viaEnv}) {
      assertThat(c.authUrl()).hasToString("http://127.0.0.1:5000/v3");
      assertThat(c.username()).contains("admin");
      assertThat(c.projectName()).contains("admin");
      assertThat(c.region()).contains("RegionOne");
      assertThat(c.toString()).doesNotContain("admin-pw");
    }
    assertThatThrownBy(() -> OpenStackInfrastructure.credentialsFromCloudsYaml(file, "prod"))
        .hasMessageContaining("no cloud named prod");
  }

  @Test
  void fromEnvironment_readsTheProvidersOwnSettings() {
    OpenStackResourceProvider.Builder b =
        OpenStackInfrastructure.builderFromEnvironment(
            Map.of(
                "OS_AUTH_URL",
                "http://k/v3",
                "OS_APPLICATION_CREDENTIAL_ID",
                "ac",
                "OS_APPLICATION_CREDENTIAL_SECRET",
                "s",
                OpenStackInfrastructure.FLOATING_NETWORK,
                "public"));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("floatingIpNetwork needs a network");
  }
}
