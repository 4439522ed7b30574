package io.clusterlifecycle.samples.platform;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The platform's own settings, under {@code platform.}.
 *
 * @param repositories where charts (app specs) come from, by the name a request gives as {@code
 *     repoName}: a directory holding an {@code index.yaml}, a URL of such an index, or a plain
 *     directory of spec files ({@code <chart>.yaml}, {@code <chart>-<version>.yaml}, {@code
 *     <chart>/app.yaml} or {@code <chart>/<version>/app.yaml})
 * @param defaultRepository the repository a request without {@code repoName} uses
 */
@ConfigurationProperties("platform")
public record PlatformProperties(Map<String, String> repositories, String defaultRepository) {

  /** The repository a request without {@code repoName} uses unless configured otherwise. */
  public static final String DEFAULT_REPOSITORY = "local";

  /** Fills the defaults: no repositories, {@link #DEFAULT_REPOSITORY}. */
  public PlatformProperties {
    repositories = repositories == null ? Map.of() : Map.copyOf(repositories);
    defaultRepository =
        defaultRepository == null || defaultRepository.isBlank()
            ? DEFAULT_REPOSITORY
            : defaultRepository;
  }
}
