package io.clusterlifecycle.api.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a cluster's record differs from what the infrastructure holds (docs/design.md §7.9), as
 * {@code Lifecycle.reconcile} found it. Reading it changes nothing.
 *
 * @param clusterId the cluster
 * @param operation the operation under way when it was read, if any: nodes it is creating or
 *     deleting may show as drift that the operation itself will settle
 * @param findings each difference, by node id
 */
public record Drift(String clusterId, Optional<String> operation, List<Finding> findings) {

  /** What kind of difference. */
  public enum Kind {
    /** The record holds a node with a resource that the infrastructure does not have. */
    MISSING,
    /**
     * The infrastructure holds a resource tagged with the cluster that the record does not know.
     */
    UNKNOWN,
    /** The node is recorded running but its resource is stopped, or the other way round. */
    STATE_MISMATCH,
    /** The node's recorded address is not its resource's. */
    ADDRESS_MISMATCH
  }

  /**
   * One difference.
   *
   * @param kind what differs
   * @param nodeId the node concerned
   * @param detail what the record says and what the infrastructure says
   */
  public record Finding(Kind kind, String nodeId, String detail) {
    /**
     * Checks for nulls.
     *
     * @param kind what differs
     * @param nodeId the node concerned
     * @param detail what the record says and what the infrastructure says
     * @throws NullPointerException if an argument is null
     */
    public Finding {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * Checks for nulls and copies the findings.
   *
   * @param clusterId the cluster
   * @param operation the operation under way when it was read, if any
   * @param findings each difference; copied
   * @throws NullPointerException if an argument or a finding is null
   */
  public Drift {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(operation, "operation");
    findings = List.copyOf(findings);
  }

  /**
   * Tells whether the record and the infrastructure agree.
   *
   * @return true without findings
   */
  public boolean inSync() {
    return findings.isEmpty();
  }
}
