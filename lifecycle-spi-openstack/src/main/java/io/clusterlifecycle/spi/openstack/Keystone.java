package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Gets Keystone v3 tokens (password with a project scope, or an application credential) and keeps
 * one until shortly before it expires; concurrent callers share one authentication.
 */
final class Keystone {
  private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

  private final OpenStackCredentials credentials;
  private final Http http;
  private final Clock clock;
  private CompletableFuture<Session> current;

  Keystone(OpenStackCredentials credentials, Http http, Clock clock) {
    this.credentials = credentials;
    this.http = http;
    this.clock = clock;
  }

  /** A valid session: the cached one, or a new authentication when it expires soon or failed. */
  synchronized CompletableFuture<Session> session() {
    CompletableFuture<Session> s = current;
    if (s != null && s.isDone() && !s.isCompletedExceptionally()) {
      if (s.join().expiresAt().minus(RENEW_BEFORE).isAfter(clock.instant())) {
        return s;
      }
    } else if (s != null && !s.isDone()) {
      return s;
    }
    current = authenticate();
    return current;
  }

  /** Forgets a session the API refused (401), so that the next call authenticates again. */
  synchronized void invalidate(Session refused) {
    CompletableFuture<Session> s = current;
    if (s != null && s.isDone() && !s.isCompletedExceptionally() && s.join() == refused) {
      current = null;
    }
  }

  private CompletableFuture<Session> authenticate() {
    URI uri = URI.create(credentials.authUrl() + "/auth/tokens");
    return http.send("identity", "POST", uri, Map.of(), body())
        .thenApply(
            r -> {
              if (!r.ok() || r.subjectToken().isEmpty()) {
                throw ApiErrors.of("identity", "POST /v3/auth/tokens", r);
              }
              JsonNode token = r.body().path("token");
              return new Session(
                  r.subjectToken().get(),
                  Instant.parse(token.path("expires_at").asText()),
                  endpoints(token.path("catalog")));
            });
  }

  private ObjectNode body() {
    ObjectNode root = Http.JSON.createObjectNode();
    ObjectNode auth = root.putObject("auth");
    ObjectNode identity = auth.putObject("identity");
    if (credentials.isApplicationCredential()) {
      identity.putArray("methods").add("application_credential");
      ObjectNode ac = identity.putObject("application_credential");
      credentials.applicationCredentialId().ifPresent(id -> ac.put("id", id));
      credentials
          .applicationCredentialName()
          .ifPresent(
              name -> {
                ac.put("name", name);
                ObjectNode user = ac.putObject("user");
                user.put("name", credentials.username().orElseThrow());
                user.putObject("domain").put("name", credentials.userDomainName().orElseThrow());
              });
      ac.put("secret", credentials.applicationCredentialSecret().orElseThrow());
      return root;
    }
    identity.putArray("methods").add("password");
    ObjectNode user = identity.putObject("password").putObject("user");
    user.put("name", credentials.username().orElseThrow());
    user.putObject("domain").put("name", credentials.userDomainName().orElseThrow());
    user.put("password", credentials.password().orElseThrow());
    ObjectNode project = auth.putObject("scope").putObject("project");
    if (credentials.projectId().isPresent()) {
      project.put("id", credentials.projectId().get());
    } else {
      project.put("name", credentials.projectName().orElseThrow());
      project.putObject("domain").put("name", credentials.projectDomainName().orElseThrow());
    }
    return root;
  }

  private Map<String, URI> endpoints(JsonNode catalog) {
    Map<String, URI> found = new HashMap<>();
    for (JsonNode service : catalog) {
      String type = service.path("type").asText();
      for (JsonNode e : service.path("endpoints")) {
        boolean iface = credentials.endpointInterface().equals(e.path("interface").asText());
        boolean region =
            credentials.region().isEmpty()
                || credentials.region().get().equals(e.path("region_id").asText())
                || credentials.region().get().equals(e.path("region").asText());
        if (iface && region && !found.containsKey(type)) {
          found.put(type, URI.create(e.path("url").asText().replaceAll("/+$", "")));
        }
      }
    }
    return found;
  }
}
