package io.clusterlifecycle.spi.openstack;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A Keystone token with the endpoints of its catalog. {@link #toString()} hides the token.
 *
 * @param token the {@code X-Auth-Token} value
 * @param expiresAt when Keystone says the token expires
 * @param endpoints the endpoint of each service type, for the chosen interface and region
 */
record Session(String token, Instant expiresAt, Map<String, URI> endpoints) {
  Session {
    endpoints = Map.copyOf(endpoints);
  }

  /** The endpoint of the first of the given service types that the catalog has. */
  Optional<URI> endpoint(String... types) {
    for (String t : types) {
      URI u = endpoints.get(t);
      if (u != null) {
        return Optional.of(u);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "Session[token=****, expiresAt=" + expiresAt + ", endpoints=" + endpoints + "]";
  }
}
