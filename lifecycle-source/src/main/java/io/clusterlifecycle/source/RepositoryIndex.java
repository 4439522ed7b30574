package io.clusterlifecycle.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A repository's index, Helm's {@code index.yaml} format: {@code entries} maps each app name to its
 * versions, each with {@code version}, {@code urls} and optionally {@code description} and {@code
 * digest} (the archive's SHA-256, hex). Other keys are ignored. Scalars are kept as written, so
 * {@code version: 6.10} is {@code 6.10}, not the number 6.1.
 *
 * @param apps each app's versions, in index order
 */
record RepositoryIndex(Map<String, List<Version>> apps) {

  /**
   * One version of an app.
   *
   * @param app the app name
   * @param version the version
   * @param description what the index says of it, or empty
   * @param urls where its archive is, relative to the index or absolute
   * @param digest its SHA-256 in lower-case hex, when the index gives one
   * @param path where it is in the index, for messages ({@code entries.zookeeper[0]})
   */
  record Version(
      String app,
      String version,
      String description,
      List<String> urls,
      Optional<String> digest,
      String path) {}

  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = yaml();

  private static YAMLFactory yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) Limits.MAX_INDEX_BYTES);
    return YAMLFactory.builder().loaderOptions(options).build();
  }

  /**
   * Parses an index.
   *
   * @param subject names the index in errors
   * @param text the document
   * @param json whether it is JSON rather than YAML
   * @return the index
   * @throws ValidationException listing every problem found
   */
  static RepositoryIndex parse(String subject, String text, boolean json) {
    Object root;
    try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
      root = p.nextToken() == null ? null : read(subject, p);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ValidationException(
          subject,
          List.of(
              new ValidationProblem(
                  ValidationProblem.ROOT,
                  "not a valid " + (json ? "JSON" : "YAML") + " index: " + e.getOriginalMessage(),
                  loc == null ? 0 : Math.max(0, loc.getLineNr()),
                  loc == null ? 0 : Math.max(0, loc.getColumnNr()))));
    } catch (IOException e) {
      throw new IllegalStateException("reading from a string cannot fail", e);
    }
    Object entries = root instanceof Map<?, ?> m ? m.get("entries") : null;
    if (!(entries instanceof Map<?, ?> byApp)) {
      throw Texts.invalid(
          subject, "entries", "missing or not a mapping of app names to lists of versions");
    }
    List<ValidationProblem> problems = new ArrayList<>();
    Map<String, List<Version>> apps = new LinkedHashMap<>();
    byApp.forEach(
        (app, list) -> {
          String appPath = "entries." + app;
          if (!(list instanceof List<?> items)) {
            problems.add(ValidationProblem.of(appPath, "not a list of versions"));
            return;
          }
          List<Version> versions = new ArrayList<>();
          for (int i = 0; i < items.size(); i++) {
            version((String) app, items.get(i), appPath + "[" + i + "]", problems)
                .ifPresent(versions::add);
          }
          apps.put((String) app, List.copyOf(versions));
        });
    if (!problems.isEmpty()) {
      throw new ValidationException(subject, problems);
    }
    return new RepositoryIndex(apps);
  }

  /** Reads the value at the current token: a map, a list, a scalar's text, or null. */
  private static Object read(String subject, JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          map.put(key, read(subject, p));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(subject, p));
        }
        return list;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> {
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
          throw Texts.invalid(
              subject,
              "YAML aliases (*" + p.getText() + ") are not supported in an index; write it out");
        }
        return p.getText();
      }
    }
  }

  private static Optional<Version> version(
      String app, Object item, String path, List<ValidationProblem> problems) {
    if (!(item instanceof Map<?, ?> node)) {
      problems.add(ValidationProblem.of(path, "not a mapping with version and urls"));
      return Optional.empty();
    }
    int before = problems.size();
    String version = node.get("version") instanceof String v ? v : "";
    if (version.isBlank()) {
      problems.add(ValidationProblem.of(path + ".version", "missing or not a scalar"));
    }
    List<String> urls = new ArrayList<>();
    if (!(node.get("urls") instanceof List<?> list)
        || list.isEmpty()
        || !list.stream().allMatch(u -> u instanceof String)) {
      problems.add(ValidationProblem.of(path + ".urls", "missing or not a non-empty list of URLs"));
    } else {
      list.forEach(u -> urls.add((String) u));
    }
    Optional<String> digest = Optional.empty();
    Object digestValue = node.get("digest");
    if (digestValue != null) {
      String hex = String.valueOf(digestValue).toLowerCase(Locale.ROOT);
      hex = hex.startsWith("sha256:") ? hex.substring("sha256:".length()) : hex;
      if (!hex.matches("[0-9a-f]{64}")) {
        problems.add(ValidationProblem.of(path + ".digest", "not a SHA-256 in hex (64 digits)"));
      }
      digest = Optional.of(hex);
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new Version(
            app,
            version,
            node.get("description") instanceof String d ? d : "",
            List.copyOf(urls),
            digest,
            path));
  }
}
