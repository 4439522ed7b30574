package io.clusterlifecycle.spi.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A static list of existing machines, read from a YAML file (docs/ssh.md):
 *
 * <pre>{@code
 * defaults:            # optional; each host may override any of these
 *   user: deploy       # default: the user running the engine
 *   port: 22
 *   key: ~/.ssh/id_ecdsa
 *   directory: .lifecycle
 * hosts:
 *   - name: db-1       # optional; default: the address, with ":port" when not 22
 *     address: 10.0.0.11
 *     labels: {role: db}
 *   - address: 10.0.0.12
 * }</pre>
 *
 * <p>Names must be unique and usable as file names; addresses must be unique. A relative {@code
 * key} is resolved against the inventory file's directory, {@code ~/} against the engine user's
 * home. Immutable and thread-safe.
 */
public final class Inventory {
  /** The directory nodes live under on a host when neither the host nor the defaults set one. */
  public static final String DEFAULT_DIRECTORY = ".lifecycle";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\[\\]-]{0,127}");

  private final Path source;
  private final List<InventoryHost> hosts;
  private final Map<String, InventoryHost> byName;

  private Inventory(Path source, List<InventoryHost> hosts) {
    this.source = source;
    this.hosts = List.copyOf(hosts);
    Map<String, InventoryHost> m = new LinkedHashMap<>();
    hosts.forEach(h -> m.put(h.name(), h));
    this.byName = Map.copyOf(m);
  }

  /**
   * Reads an inventory file.
   *
   * @param file the YAML file
   * @return the inventory
   * @throws ValidationException listing every problem of the file (no hosts, a host without an
   *     address, a duplicate name or address, a bad port)
   * @throws java.io.UncheckedIOException if the file cannot be read
   */
  public static Inventory load(Path file) {
    Objects.requireNonNull(file, "file");
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot read the inventory " + file + ": " + e.getMessage(), e);
    }
    List<ValidationProblem> problems = new ArrayList<>();
    JsonNode defaults = root == null ? null : root.path("defaults");
    JsonNode list = root == null ? null : root.get("hosts");
    if (list == null || !list.isArray() || list.isEmpty()) {
      problems.add(ValidationProblem.of("hosts", "the inventory lists no hosts"));
      throw new ValidationException("inventory " + file, problems);
    }
    Path base = file.toAbsolutePath().getParent();
    List<InventoryHost> hosts = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode h = list.get(i);
      String at = "hosts[" + i + "]";
      String address = text(h, defaults, "address", null);
      if (address == null || address.isBlank()) {
        problems.add(ValidationProblem.of(at + ".address", "a host needs an address"));
        continue;
      }
      int port = h.path("port").asInt(defaults.path("port").asInt(SshTarget.DEFAULT_PORT));
      if (port < 1 || port > 65535) {
        problems.add(ValidationProblem.of(at + ".port", "port must be 1 to 65535, was " + port));
        continue;
      }
      String name =
          text(h, null, "name", port == SshTarget.DEFAULT_PORT ? address : address + ":" + port);
      if (!NAME.matcher(name).matches() || name.contains("..")) {
        problems.add(ValidationProblem.of(at + ".name", "'" + name + "' is not usable as a name"));
        continue;
      }
      if (!names.add(name)) {
        problems.add(ValidationProblem.of(at + ".name", "name " + name + " is listed twice"));
      }
      if (!addresses.add(address)) {
        problems.add(
            ValidationProblem.of(at + ".address", "address " + address + " is listed twice"));
      }
      String key = text(h, defaults, "key", null);
      Map<String, String> labels = new LinkedHashMap<>();
      h.path("labels")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      hosts.add(
          new InventoryHost(
              name,
              address,
              port,
              text(h, defaults, "user", System.getProperty("user.name")),
              Optional.ofNullable(key).map(k -> resolve(base, k)),
              text(h, defaults, "directory", DEFAULT_DIRECTORY),
              labels));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException("inventory " + file, problems);
    }
    return new Inventory(file, hosts);
  }

  private static String text(JsonNode host, JsonNode defaults, String field, String fallback) {
    JsonNode v = host.get(field);
    if (v == null && defaults != null) {
      v = defaults.get(field);
    }
    return v == null || v.isNull() ? fallback : v.asText();
  }

  private static Path resolve(Path base, String key) {
    if (key.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(key.substring(2));
    }
    return base.resolve(key);
  }

  /**
   * Where the inventory was read from.
   *
   * @return the file
   */
  public Path source() {
    return source;
  }

  /**
   * The hosts, in file order.
   *
   * @return the hosts
   */
  public List<InventoryHost> hosts() {
    return hosts;
  }

  /**
   * Looks a host up by name.
   *
   * @param name the host's name (a node's instance id)
   * @return the host, or empty
   */
  public Optional<InventoryHost> host(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The targets for {@link SshCommandExecutor.Builder#targets}: a node runs on the host its
   * instance id names, in {@code <directory>/nodes/<node-id>}.
   *
   * @return the resolver; it refuses, with {@link IllegalArgumentException}, a node whose instance
   *     id is not a host of this inventory
   */
  public SshTargets targets() {
    return node -> {
      String id = node.ref().nodeId();
      if (!NAME.matcher(id).matches() || id.contains("..") || id.contains(":")) {
        throw new IllegalArgumentException(
            "node id '" + id + "' is not usable as a directory name");
      }
      return host(node.instanceId())
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "node "
                          + id
                          + " runs on '"
                          + node.instanceId()
                          + "', which is not a host of the inventory "
                          + source))
          .target(id);
    };
  }
}
