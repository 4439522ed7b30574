package io.clusterlifecycle.source;

/** The bounds every source keeps to, so that a hostile or mistaken input cannot exhaust memory. */
final class Limits {

  /** Largest total of an app's files, and of an archive, compressed or not: 8 MiB. */
  static final long MAX_BYTES = 8L << 20;

  /** Most files (or archive entries, directories included) read for one app. */
  static final int MAX_ENTRIES = 10_000;

  /** Largest repository index read: 16 MiB. */
  static final long MAX_INDEX_BYTES = 16L << 20;

  private Limits() {}
}
