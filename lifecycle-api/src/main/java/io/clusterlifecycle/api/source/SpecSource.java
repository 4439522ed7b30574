package io.clusterlifecycle.api.source;

/**
 * One place an app spec is loaded from: a spec file, an archive, or one version of an app in a
 * repository. Implementations read on every {@link #load()} call and are safe to call from any
 * thread.
 */
public interface SpecSource {

  /**
   * Reads the app spec and the files that come with it.
   *
   * @return the spec, its files and where they came from
   * @throws io.clusterlifecycle.api.error.ValidationException if the source holds no spec, an
   *     invalid spec, or a path that escapes it; each problem names the entry at fault
   * @throws io.clusterlifecycle.api.error.NotFoundException if the source names an app or version
   *     that does not exist
   * @throws java.io.UncheckedIOException if the source cannot be read
   */
  LoadedApp load();

  /**
   * Names the source for messages and records, without credentials.
   *
   * @return for example {@code archive zk-6.1.0.tgz} or {@code repo https://host/index.yaml
   *     zookeeper 6.1.0}
   */
  String describe();
}
