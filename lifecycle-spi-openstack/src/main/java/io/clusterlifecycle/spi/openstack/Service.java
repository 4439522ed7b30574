package io.clusterlifecycle.spi.openstack;

import java.net.URI;
import java.util.Map;

/**
 * The OpenStack services the adapter calls: their catalog types, the version path added to an
 * unversioned endpoint, and the microversion headers sent with every request.
 */
enum Service {
  /** Nova; 2.79 embeds the flavor in a server and allows {@code "networks": "none"}. */
  COMPUTE(
      new String[] {"compute"},
      "",
      Map.of(
          "OpenStack-API-Version", "compute 2.79",
          "X-OpenStack-Nova-API-Version", "2.79")),
  /** Cinder; 3.42 extends an attached ({@code in-use}) volume. */
  VOLUME(
      new String[] {"volumev3", "block-storage", "volume"},
      "",
      Map.of("OpenStack-API-Version", "volume 3.42")),
  /** Glance v2. */
  IMAGE(new String[] {"image"}, "/v2", Map.of()),
  /** Neutron v2.0. */
  NETWORK(new String[] {"network"}, "/v2.0", Map.of());

  private final String[] types;
  private final String versionPath;
  private final Map<String, String> headers;

  Service(String[] types, String versionPath, Map<String, String> headers) {
    this.types = types;
    this.versionPath = versionPath;
    this.headers = headers;
  }

  String[] types() {
    return types.clone();
  }

  String type() {
    return types[0];
  }

  Map<String, String> headers() {
    return headers;
  }

  /** The base URL for requests: the catalog's endpoint with the version path when it lacks it. */
  String base(URI endpoint) {
    String url = endpoint.toString();
    return versionPath.isEmpty() || url.endsWith(versionPath) ? url : url + versionPath;
  }
}
