package io.clusterlifecycle.api.spi;

import io.clusterlifecycle.api.error.ConflictException;

/** A {@link ClusterStore#put} found that the record had been changed since it was read. */
public class VersionConflictException extends ConflictException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param clusterId the cluster whose record changed
   * @param expected the version the writer read
   * @param actual the version stored now, {@code 0} when there is none
   */
  public VersionConflictException(String clusterId, long expected, long actual) {
    super(
        "cluster "
            + clusterId
            + " was changed concurrently: expected version "
            + expected
            + ", found "
            + actual
            + "; read it again and retry",
        "");
  }
}
