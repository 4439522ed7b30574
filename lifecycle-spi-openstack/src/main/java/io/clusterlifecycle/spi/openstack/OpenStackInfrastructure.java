package io.clusterlifecycle.spi.openstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Makes an {@link OpenStackResourceProvider} the way the {@code openstack} command-line client
 * finds its cloud: from the {@code OS_*} variables, or from a cloud of a {@code clouds.yaml}. The
 * CLI's {@code --infra openstack} uses {@link #fromEnvironment(Map)}.
 *
 * <p>Variables read: {@code OS_CLOUD} (then the cloud is read from {@code clouds.yaml}, found
 * through {@code OS_CLIENT_CONFIG_FILE}, {@code ./clouds.yaml}, {@code
 * ~/.config/openstack/clouds.yaml}, {@code /etc/openstack/clouds.yaml}); otherwise {@code
 * OS_AUTH_URL}, {@code OS_USERNAME}, {@code OS_PASSWORD}, {@code OS_PROJECT_NAME} or {@code
 * OS_PROJECT_ID}, {@code OS_USER_DOMAIN_NAME}, {@code OS_PROJECT_DOMAIN_NAME} (both default to
 * {@code Default}), or {@code OS_APPLICATION_CREDENTIAL_ID}/{@code _NAME} with {@code
 * OS_APPLICATION_CREDENTIAL_SECRET}; {@code OS_REGION_NAME}, {@code OS_INTERFACE}. The provider's
 * own settings: {@value #NETWORK} (network name or id; none when unset), {@value #FLOATING_NETWORK}
 * (external network for floating IPs), {@value #IMAGE} (default image), {@value #KEY_NAME} (Nova
 * key pair).
 */
public final class OpenStackInfrastructure {
  /** Variable naming the cluster network; unset means {@code network: none}. */
  public static final String NETWORK = "LIFECYCLE_OS_NETWORK";

  /** Variable naming the external network floating IPs come from; unset means none. */
  public static final String FLOATING_NETWORK = "LIFECYCLE_OS_FLOATING_NETWORK";

  /** Variable naming the image of nodes whose spec names none. */
  public static final String IMAGE = "LIFECYCLE_OS_IMAGE";

  /** Variable naming the Nova key pair injected into servers. */
  public static final String KEY_NAME = "LIFECYCLE_OS_KEY_NAME";

  private OpenStackInfrastructure() {}

  /**
   * Makes a provider from the environment ({@code System.getenv()} in the CLI).
   *
   * @param env the variables
   * @return the provider; the caller closes it
   * @throws IllegalStateException if the variables (or the clouds.yaml they name) do not describe
   *     credentials, saying what is missing
   */
  public static OpenStackResourceProvider fromEnvironment(Map<String, String> env) {
    return builderFromEnvironment(env).build();
  }

  /**
   * Like {@link #fromEnvironment}, returning the builder to adjust before building.
   *
   * @param env the variables
   * @return a builder with the credentials and the {@code LIFECYCLE_OS_*} settings
   * @throws IllegalStateException if the variables do not describe credentials
   */
  public static OpenStackResourceProvider.Builder builderFromEnvironment(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    OpenStackResourceProvider.Builder b =
        OpenStackResourceProvider.builder(credentialsFromEnvironment(env));
    setting(env, NETWORK).ifPresent(b::network);
    setting(env, FLOATING_NETWORK).ifPresent(b::floatingIpNetwork);
    setting(env, IMAGE).ifPresent(b::defaultImage);
    setting(env, KEY_NAME).ifPresent(b::keyName);
    return b;
  }

  /**
   * Makes a provider from one cloud of a {@code clouds.yaml}.
   *
   * @param file the clouds.yaml
   * @param cloud the cloud's name under {@code clouds:}
   * @return the provider; the caller closes it
   * @throws IllegalStateException if the file cannot be read or the cloud is missing or incomplete
   */
  public static OpenStackResourceProvider fromCloudsYaml(Path file, String cloud) {
    return OpenStackResourceProvider.builder(credentialsFromCloudsYaml(file, cloud)).build();
  }

  /**
   * Reads credentials from the environment: {@code OS_CLOUD} with a clouds.yaml, else {@code OS_*}.
   *
   * @param env the variables
   * @return the credentials
   * @throws IllegalStateException if they are incomplete
   */
  public static OpenStackCredentials credentialsFromEnvironment(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String cloud = env.get("OS_CLOUD");
    if (cloud != null && !cloud.isBlank()) {
      Path file =
          CloudsYaml.searchPath(env).stream()
              .filter(Files::isRegularFile)
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "OS_CLOUD="
                              + cloud
                              + " but no clouds.yaml in "
                              + CloudsYaml.searchPath(env)));
      return CloudsYaml.fromFile(file, cloud);
    }
    return CloudsYaml.fromEnvironment(env);
  }

  /**
   * Reads credentials from one cloud of a {@code clouds.yaml}.
   *
   * @param file the file
   * @param cloud the cloud's name
   * @return the credentials
   * @throws IllegalStateException if the file cannot be read or the cloud is missing or incomplete
   */
  public static OpenStackCredentials credentialsFromCloudsYaml(Path file, String cloud) {
    return CloudsYaml.fromFile(
        Objects.requireNonNull(file, "file"), Objects.requireNonNull(cloud, "cloud"));
  }

  private static java.util.Optional<String> setting(Map<String, String> env, String name) {
    return java.util.Optional.ofNullable(env.get(name)).filter(s -> !s.isBlank());
  }
}
