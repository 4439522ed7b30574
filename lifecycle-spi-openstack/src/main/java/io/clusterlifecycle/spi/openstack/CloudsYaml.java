package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads credentials from the {@code OS_*} variables or from a cloud of a {@code clouds.yaml} (the
 * format of openstacksdk: {@code clouds.<name>.auth.*}, {@code region_name}, {@code interface}).
 */
final class CloudsYaml {
  private CloudsYaml() {}

  static OpenStackCredentials fromEnvironment(Map<String, String> env) {
    OpenStackCredentials.Builder b = OpenStackCredentials.builder();
    String url = env.get("OS_AUTH_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("OS_AUTH_URL is not set (nor OS_CLOUD)");
    }
    b.authUrl(url);
    Optional<String> secret = get(env, "OS_APPLICATION_CREDENTIAL_SECRET");
    if (secret.isPresent()) {
      get(env, "OS_APPLICATION_CREDENTIAL_ID")
          .ifPresentOrElse(
              id -> b.applicationCredential(id, secret.get()),
              () ->
                  b.applicationCredentialByName(
                      get(env, "OS_APPLICATION_CREDENTIAL_NAME")
                          .orElseThrow(
                              () ->
                                  new IllegalStateException(
                                      "OS_APPLICATION_CREDENTIAL_SECRET needs "
                                          + "OS_APPLICATION_CREDENTIAL_ID or _NAME")),
                      secret.get()));
    }
    get(env, "OS_USERNAME").ifPresent(b::username);
    get(env, "OS_PASSWORD").ifPresent(b::password);
    get(env, "OS_PROJECT_ID").or(() -> get(env, "OS_TENANT_ID")).ifPresent(b::projectId);
    get(env, "OS_PROJECT_NAME").or(() -> get(env, "OS_TENANT_NAME")).ifPresent(b::projectName);
    get(env, "OS_USER_DOMAIN_NAME")
        .or(() -> get(env, "OS_USER_DOMAIN_ID").map(CloudsYaml::domain))
        .or(() -> get(env, "OS_DOMAIN_NAME"))
        .ifPresent(b::userDomainName);
    get(env, "OS_PROJECT_DOMAIN_NAME")
        .or(() -> get(env, "OS_PROJECT_DOMAIN_ID").map(CloudsYaml::domain))
        .or(() -> get(env, "OS_DOMAIN_NAME"))
        .ifPresent(b::projectDomainName);
    get(env, "OS_REGION_NAME").ifPresent(b::region);
    get(env, "OS_INTERFACE").or(() -> get(env, "OS_ENDPOINT_TYPE")).ifPresent(b::endpointInterface);
    return b.build();
  }

  static OpenStackCredentials fromFile(Path file, String cloud) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    JsonNode c = root == null ? null : root.path("clouds").get(cloud);
    if (c == null || !c.isObject()) {
      throw new IllegalStateException("no cloud named " + cloud + " in " + file);
    }
    JsonNode auth = c.path("auth");
    OpenStackCredentials.Builder b = OpenStackCredentials.builder();
    b.authUrl(
        text(auth, "auth_url")
            .orElseThrow(
                () -> new IllegalStateException("cloud " + cloud + " has no auth.auth_url")));
    Optional<String> secret = text(auth, "application_credential_secret");
    if (secret.isPresent()) {
      Optional<String> id = text(auth, "application_credential_id");
      if (id.isPresent()) {
        b.applicationCredential(id.get(), secret.get());
      } else {
        b.applicationCredentialByName(
            text(auth, "application_credential_name")
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "cloud "
                                + cloud
                                + ": application_credential_secret needs an id or a name")),
            secret.get());
      }
    }
    text(auth, "username").ifPresent(b::username);
    text(auth, "password").ifPresent(b::password);
    text(auth, "project_id").ifPresent(b::projectId);
    text(auth, "project_name").ifPresent(b::projectName);
    text(auth, "user_domain_name")
        .or(() -> text(auth, "user_domain_id").map(CloudsYaml::domain))
        .or(() -> text(auth, "domain_name"))
        .ifPresent(b::userDomainName);
    text(auth, "project_domain_name")
        .or(() -> text(auth, "project_domain_id").map(CloudsYaml::domain))
        .or(() -> text(auth, "domain_name"))
        .ifPresent(b::projectDomainName);
    text(c, "region_name").ifPresent(b::region);
    text(c, "interface").ifPresent(b::endpointInterface);
    return b.build();
  }

  /** Where openstacksdk looks for clouds.yaml, in its order. */
  static List<Path> searchPath(Map<String, String> env) {
    List<Path> paths = new ArrayList<>();
    get(env, "OS_CLIENT_CONFIG_FILE").ifPresent(p -> paths.add(Path.of(p)));
    paths.add(Path.of("clouds.yaml"));
    get(env, "HOME").ifPresent(h -> paths.add(Path.of(h, ".config", "openstack", "clouds.yaml")));
    paths.add(Path.of("/etc/openstack/clouds.yaml"));
    return paths;
  }

  /** Domain ids are taken as names only for {@code default}, Keystone's built-in domain. */
  private static String domain(String id) {
    return id.equals("default") ? OpenStackCredentials.DEFAULT_DOMAIN : id;
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(s -> !s.isBlank());
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull()
        ? Optional.empty()
        : Optional.of(v.asText()).filter(s -> !s.isBlank());
  }
}
