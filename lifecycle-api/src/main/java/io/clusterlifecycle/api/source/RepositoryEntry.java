package io.clusterlifecycle.api.source;

import java.util.Objects;

/**
 * One version of an app listed by a repository's index.
 *
 * @param app the app name
 * @param version the version
 * @param description what the index says of it; empty when it says nothing
 */
public record RepositoryEntry(String app, String version, String description) {

  /**
   * Checks for nulls.
   *
   * @param app the app name
   * @param version the version
   * @param description what the index says of it
   * @throws NullPointerException if a component is null
   */
  public RepositoryEntry {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(description, "description");
  }
}
