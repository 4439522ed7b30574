package io.clusterlifecycle.samples.platform.spec;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.source.RepositoryEntry;
import io.clusterlifecycle.api.source.SpecRepository;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.samples.platform.PlatformProperties;
import io.clusterlifecycle.source.FileSpecSource;
import io.clusterlifecycle.source.SpecSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Finds the app spec a release request names by {@code repoName}, {@code chartName} and {@code
 * chartVersion}, in the repositories of {@link PlatformProperties#repositories()}.
 *
 * <p>A repository with an index (an {@code http(s)://} or {@code file:} address, an address ending
 * in {@code .yaml}, {@code .yml} or {@code .json}, or a directory holding {@code index.yaml}) is
 * read by {@code lifecycle-source}'s {@link io.clusterlifecycle.source.SpecRepositories}; without
 * {@code chartVersion} its newest version is taken. Any other directory holds spec files, looked
 * among {@code <chart>.yaml}, {@code <chart>/app.yaml}, {@code <chart>-<anything>.yaml} and {@code
 * <chart>/<anything>/app.yaml} ({@code .yml} and {@code .json} too): of the specs with the chart's
 * name and the asked version (any, without {@code chartVersion}), the newest version is taken.
 *
 * <p>Every way of not finding the chart is a {@link ValidationException} naming the request's
 * field: the chart is the request's input, not the resource addressed. Thread-safe; every call
 * reads again.
 */
@Component
public class ChartCatalog {

  private static final Pattern CHART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,30}");
  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");
  private static final String SUBJECT = "release request";

  private final PlatformProperties properties;

  /**
   * Creates the catalog.
   *
   * @param properties the configured repositories
   */
  public ChartCatalog(PlatformProperties properties) {
    this.properties = properties;
  }

  /**
   * Finds a chart's spec.
   *
   * @param repoName the repository; null or blank for the default one
   * @param chartName the app's name
   * @param chartVersion the app's version; null or blank for any (the newest in an index)
   * @return the spec
   * @throws ValidationException if the names are malformed, the repository is not configured, the
   *     chart or version is not in it, or its spec is invalid
   */
  public AppSpec find(String repoName, String chartName, String chartVersion) {
    String repo = blank(repoName) ? properties.defaultRepository() : repoName;
    String version = blank(chartVersion) ? null : chartVersion;
    List<ValidationProblem> problems = new ArrayList<>();
    if (blank(chartName) || !CHART.matcher(chartName).matches()) {
      problems.add(ValidationProblem.of("chartName", "must match " + CHART.pattern()));
    }
    if (version != null && !VERSION.matcher(version).matches()) {
      problems.add(ValidationProblem.of("chartVersion", "must match " + VERSION.pattern()));
    }
    String location = properties.repositories().get(repo);
    if (location == null) {
      problems.add(
          ValidationProblem.of(
              "repoName",
              "no repository '"
                  + repo
                  + "'; configured: "
                  + new TreeSet<>(properties.repositories().keySet())));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(SUBJECT, problems);
    }
    if (hasIndex(location)) {
      return fromIndex(SpecSources.repository(location), chartName, version);
    }
    return fromDirectory(repo, Path.of(location), chartName, version);
  }

  private static boolean hasIndex(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://")
        || lower.startsWith("https://")
        || lower.startsWith("file:")
        || EXTENSIONS.stream().anyMatch(lower::endsWith)
        || Files.isRegularFile(Path.of(location).resolve("index.yaml"));
  }

  private static AppSpec fromIndex(SpecRepository repository, String chart, String version) {
    String chosen =
        version != null
            ? version
            : repository.search(chart).stream()
                .filter(e -> e.app().equals(chart))
                .map(RepositoryEntry::version)
                .findFirst()
                .orElseThrow(() -> notFound(chart, null, repository.describe()));
    try {
      return repository.source(chart, chosen).load().spec();
    } catch (NotFoundException e) {
      throw notFound(chart, chosen, repository.describe());
    }
  }

  private static AppSpec fromDirectory(String repo, Path dir, String chart, String version) {
    List<Path> candidates = new ArrayList<>();
    for (String ext : EXTENSIONS) {
      candidates.add(dir.resolve(chart + ext));
      candidates.add(dir.resolve(chart).resolve("app" + ext));
      candidates.addAll(list(dir, chart + "-*" + ext));
      candidates.addAll(
          list(dir.resolve(chart), "*").stream().map(d -> d.resolve("app" + ext)).toList());
    }
    return candidates.stream()
        .filter(Files::isRegularFile)
        .map(FileSpecSource::readSpec)
        .filter(s -> s.name().equals(chart) && (version == null || s.version().equals(version)))
        .max(Comparator.comparing(AppSpec::version, ChartCatalog::compareVersions))
        .orElseThrow(() -> notFound(chart, version, "repo " + repo + " (" + dir + ")"));
  }

  private static List<Path> list(Path dir, String glob) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, glob)) {
      List<Path> out = new ArrayList<>();
      found.forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compares versions by their dot-separated parts, numerically where both parts are digits. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.", -1);
    String[] y = b.split("\\.", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c =
          DIGITS.matcher(x[i]).matches() && DIGITS.matcher(y[i]).matches()
              ? new BigInteger(x[i]).compareTo(new BigInteger(y[i]))
              : x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static ValidationException notFound(String chart, String version, String where) {
    return new ValidationException(
        SUBJECT,
        List.of(
            ValidationProblem.of(
                version == null ? "chartName" : "chartVersion",
                "no chart "
                    + chart
                    + Optional.ofNullable(version).map(v -> " version " + v).orElse("")
                    + " in "
                    + where)));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
