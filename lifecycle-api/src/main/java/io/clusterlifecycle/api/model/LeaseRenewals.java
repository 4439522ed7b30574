package io.clusterlifecycle.api.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How an engine keeps the leases of the operations it runs: how many it renews, and which of them
 * it could not renew for two periods in a row. A lease that falls behind lapses unless a renewal
 * gets through, and another engine may then take the operation over.
 *
 * @param at when this was read
 * @param renewing the number of leases the engine renews now
 * @param behind the ids of the clusters whose lease was last written more than two renewal periods
 *     ago (a third of the lease's duration each); empty when every renewal got through
 */
public record LeaseRenewals(Instant at, int renewing, List<String> behind) {

  /**
   * Checks and copies.
   *
   * @param at when this was read
   * @param renewing the number of leases renewed; not negative
   * @param behind the clusters whose lease falls behind; copied
   */
  public LeaseRenewals {
    Objects.requireNonNull(at, "at");
    if (renewing < 0) {
      throw new IllegalArgumentException("renewing must not be negative, was " + renewing);
    }
    behind = List.copyOf(behind);
  }

  /**
   * Tells whether every lease the engine holds was renewed in time.
   *
   * @return true when no lease falls behind
   */
  public boolean healthy() {
    return behind.isEmpty();
  }
}
