package io.clusterlifecycle.spring.boot;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.spi.jdbc.JdbcClusterStore;
import io.clusterlifecycle.spi.jdbc.JdbcUrls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/** Opens the records' store {@code lifecycle.store.*} names; the URL was checked when bound. */
final class ClusterStores {
  /** The records' file in the home when no URL is given. */
  static final String STORE_FILE = "lifecycle.db";

  private ClusterStores() {}

  /**
   * Opens the store.
   *
   * @param p the properties
   * @return the store; the caller closes it
   * @throws InvalidConfigurationPropertyValueException if the database refuses the settings; the
   *     message never shows a password
   * @throws LifecycleException if the home cannot be created
   */
  static ClusterStore open(LifecycleProperties p) {
    LifecycleProperties.Store s = p.store();
    if (s.url() == null) {
      return JdbcClusterStore.sqlite(privateDirectory(p.home()).resolve(STORE_FILE));
    }
    try {
      return JdbcClusterStore.builder()
          .url(s.url())
          .credentials(s.username(), s.password())
          .poolSize(s.poolSize())
          .build();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(
          "lifecycle.store.url", JdbcUrls.redacted(s.url()), e.getMessage());
    }
  }

  /** The directory, created readable by its owner only when it does not exist. */
  private static Path privateDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          Files.createDirectories(
              dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new LifecycleException("cannot create the home " + dir + ": " + e.getMessage(), e);
    }
  }
}
