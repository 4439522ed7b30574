package io.clusterlifecycle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.SecretRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The secrets this tool can resolve (docs/design.md §9.9): {@code env:} and {@code file:} always,
 * {@code host:} from the YAML map of {@code --host-secrets FILE} (key: value, owner-only). A spec
 * whose secrets use any other scheme, or {@code host:} without that file, is refused when it is
 * validated or submitted, before anything runs.
 */
final class HostSecrets {
  private HostSecrets() {}

  /**
   * The schemes the tool resolves.
   *
   * @param host whether {@code --host-secrets} was given
   */
  static Set<String> schemes(boolean host) {
    Set<String> s = new TreeSet<>(Set.of(SecretRef.ENV, SecretRef.FILE));
    if (host) {
      s.add(SecretRef.HOST);
    }
    return s;
  }

  /**
   * Refuses the spec's secrets that this tool cannot resolve.
   *
   * @param spec the spec
   * @param host whether {@code --host-secrets} was given
   * @throws ValidationException one problem per such secret, naming the schemes allowed
   */
  static void checkSchemes(AppSpec spec, boolean host) {
    List<ValidationProblem> p = new ArrayList<>();
    Set<String> allowed = schemes(host);
    spec.secrets()
        .forEach(
            (name, reference) -> {
              String scheme = SecretRef.parse(reference).scheme();
              if (!allowed.contains(scheme)) {
                p.add(
                    ValidationProblem.of(
                        "secrets." + name,
                        "scheme '"
                            + scheme
                            + ":' is not one this tool resolves; use "
                            + String.join(", ", allowed.stream().map(s -> s + ":").toList())
                            + (host ? "" : " (host: with --host-secrets FILE)")));
              }
            });
    if (!p.isEmpty()) {
      throw new ValidationException("app spec " + spec.name() + " " + spec.version(), p);
    }
  }

  /**
   * Reads the values of {@code --host-secrets}.
   *
   * @param file the YAML map of keys to values; readable by its owner only
   * @return the values, or empty without a file
   * @throws ValidationException if the file is missing, readable by others or not a map of strings;
   *     no value is ever part of the message
   */
  static Optional<Map<String, String>> read(Path file) {
    if (file == null) {
      return Optional.empty();
    }
    List<ValidationProblem> p = new ArrayList<>();
    InfraChecks.readableFile(p, "--host-secrets", file, "a YAML map of secret keys to values");
    InfraChecks.throwIf(p);
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream()
            .anyMatch(m -> m.name().startsWith("GROUP") || m.name().startsWith("OTHERS"))) {
          throw bad(file, "may be read by others; make it the owner's only (chmod 600)");
        }
      }
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
      if (root == null || !root.isObject()) {
        throw bad(file, "is not a YAML map of secret keys to values");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (var it = root.fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw bad(file, "the value of key '" + e.getKey() + "' is not a string");
        }
        values.put(e.getKey(), e.getValue().asText());
      }
      return Optional.of(Map.copyOf(values));
    } catch (IOException e) {
      // the parser's message may quote the file: show where, not what
      throw bad(file, "cannot be read as YAML (line " + line(e) + ")");
    }
  }

  private static String line(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JsonProcessingException j
            && j.getLocation() != null
        ? Integer.toString(j.getLocation().getLineNr())
        : "?";
  }

  private static ValidationException bad(Path file, String why) {
    return new ValidationException(
        "command line", List.of(ValidationProblem.of("--host-secrets", file + " " + why)));
  }
}
