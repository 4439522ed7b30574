package io.clusterlifecycle.cli;

/** Exit codes of the {@code lifecycle} command (docs/design.md §10). */
final class ExitCodes {
  /** The command did what was asked. */
  static final int OK = 0;

  /** The operation failed; its state and reason were printed. */
  static final int FAILED = 1;

  /** Bad input: usage, an invalid spec, an unknown role, a limit. */
  static final int BAD_INPUT = 2;

  /** Conflict: the cluster is busy, or the operation is not allowed in its state. */
  static final int CONFLICT = 3;

  /** The cluster, node or backup named does not exist. */
  static final int NOT_FOUND = 4;

  private ExitCodes() {}
}
