package io.clusterlifecycle.api.spec;

import java.util.Objects;

/**
 * The data volume every node of a role gets.
 *
 * @param size size in GiB; valid from 1 to {@value #MAX_SIZE_GIB}
 * @param mountPoint absolute path where the volume is mounted on the node
 */
public record VolumeSpec(int size, String mountPoint) {

  /** Largest volume size accepted, in GiB (1 PiB). */
  public static final int MAX_SIZE_GIB = 1_048_576;

  /** Mount point used when none is given. */
  public static final String DEFAULT_MOUNT_POINT = "/data";

  /**
   * Checks for nulls; ranges are checked by {@link AppSpec#validate()}.
   *
   * @param size size in GiB
   * @param mountPoint absolute path where the volume is mounted on the node
   * @throws NullPointerException if {@code mountPoint} is null
   */
  public VolumeSpec {
    Objects.requireNonNull(mountPoint, "mountPoint");
  }

  /**
   * Creates a volume mounted at {@value #DEFAULT_MOUNT_POINT}.
   *
   * @param size size in GiB
   * @return the volume
   */
  public static VolumeSpec of(int size) {
    return new VolumeSpec(size, DEFAULT_MOUNT_POINT);
  }

  /**
   * Returns a copy with another size, for vertical scaling.
   *
   * @param newSize size in GiB
   * @return the resized volume
   */
  public VolumeSpec withSize(int newSize) {
    return new VolumeSpec(newSize, mountPoint);
  }
}
