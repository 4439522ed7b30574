package io.clusterlifecycle.api.source;

import java.util.List;

/**
 * An index of app archives by app name and version, like a chart repository. Safe to call from any
 * thread; each call reads the index afresh.
 */
public interface SpecRepository {

  /**
   * Lists the entries whose app name or description contains {@code term}, ignoring case.
   *
   * @param term the text to look for; empty lists every entry
   * @return the entries, by app name, newest version first within an app
   * @throws java.io.UncheckedIOException if the index cannot be read
   * @throws io.clusterlifecycle.api.error.ValidationException if the index is malformed
   */
  List<RepositoryEntry> search(String term);

  /**
   * Names one version of an app; nothing is read until the source is loaded.
   *
   * @param app the app name
   * @param version the version
   * @return the source of that version's archive
   */
  SpecSource source(String app, String version);

  /**
   * Names the repository for messages, without credentials.
   *
   * @return for example {@code repo https://charts.example.com/index.yaml}
   */
  String describe();
}
