package io.clusterlifecycle.spi.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Role the module ships ({@code io/clusterlifecycle/spi/k8s/rbac.yaml}) and the RBAC verb each
 * API request needs, so that a test can check the Role allows every call the adapters made.
 */
final class ShippedRole {
  private static final Pattern PATH =
      Pattern.compile(
          "/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/[^/]+/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?");

  private final Role role;

  private ShippedRole(Role role) {
    this.role = role;
  }

  static ShippedRole load() {
    try (InputStream in =
        ShippedRole.class.getResourceAsStream("/io/clusterlifecycle/spi/k8s/rbac.yaml")) {
      List<HasMetadata> objects = new KubernetesSerialization().unmarshal(in);
      Role role =
          objects.stream()
              .filter(Role.class::isInstance)
              .map(Role.class::cast)
              .findFirst()
              .orElseThrow();
      return new ShippedRole(role);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rule a request needs, as {@code group/resource[/sub]:verb}; empty for non-API paths. */
  static Optional<String> needed(RecordedRequest request) {
    URI uri = URI.create(request.getPath());
    Matcher m = PATH.matcher(uri.getPath());
    if (!m.matches()) {
      return Optional.empty();
    }
    String group = m.group(1) == null ? "" : m.group(1);
    String resource = m.group(2) + (m.group(4) == null ? "" : "/" + m.group(4));
    boolean named = m.group(3) != null;
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    String verb =
        switch (request.getMethod()) {
          case "GET" ->
              resource.endsWith("/exec")
                  ? "create"
                  : query.contains("watch=true") ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> request.getMethod().toLowerCase(java.util.Locale.ROOT);
        };
    return Optional.of(group + "/" + resource + ":" + verb);
  }

  /** Whether the Role grants a rule written as {@link #needed} writes it. */
  boolean allows(String rule) {
    String group = rule.substring(0, rule.indexOf('/'));
    String resource = rule.substring(rule.indexOf('/') + 1, rule.lastIndexOf(':'));
    String verb = rule.substring(rule.lastIndexOf(':') + 1);
    for (PolicyRule r : role.getRules()) {
      if (r.getApiGroups().contains(group)
          && r.getResources().contains(resource)
          && r.getVerbs().contains(verb)) {
        return true;
      }
    }
    return false;
  }
}
