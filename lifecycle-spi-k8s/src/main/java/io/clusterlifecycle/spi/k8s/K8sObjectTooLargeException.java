package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.LifecycleException;

/**
 * A write was refused because the ConfigMap holding it would pass the size Kubernetes allows for
 * one object (1 MiB of data). Nothing was written: a tree or record is never truncated. Permanent.
 */
public class K8sObjectTooLargeException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** The ConfigMap's name. */
  private final String object;

  /** The bytes the write would have stored. */
  private final long size;

  /** The most bytes allowed. */
  private final long limit;

  /**
   * Creates the exception.
   *
   * @param object the ConfigMap's name
   * @param size the bytes the write would have stored
   * @param limit the most bytes allowed
   */
  public K8sObjectTooLargeException(String object, long size, long limit) {
    super(
        "ConfigMap "
            + object
            + " would hold "
            + size
            + " bytes, more than the "
            + limit
            + " a Kubernetes object may hold; nothing was written");
    this.object = object;
    this.size = size;
    this.limit = limit;
  }

  /**
   * Returns the ConfigMap the write was for.
   *
   * @return its name
   */
  public String object() {
    return object;
  }

  /**
   * Returns the size the write would have reached.
   *
   * @return bytes
   */
  public long size() {
    return size;
  }

  /**
   * Returns the limit it would have passed.
   *
   * @return bytes
   */
  public long limit() {
    return limit;
  }
}
