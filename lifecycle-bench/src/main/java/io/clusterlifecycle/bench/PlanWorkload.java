package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.CreateCluster;

/**
 * Planning cost: the engine's public {@code plan(request)} for the create of a cluster of {@link
 * #NODES} nodes in {@link #ROLES} roles (two order groups each for init and start). For a create
 * this validates the request, builds the new cluster's record and plans it; it reads and writes
 * nothing. Thread-safe once built.
 */
public final class PlanWorkload implements AutoCloseable {
  /** Nodes of the planned cluster. */
  public static final int NODES = 10_000;

  /** Roles of the planned cluster. */
  public static final int ROLES = 20;

  private final BenchEngine bench = BenchEngine.start(BenchEngine.Options.of(LatencyModel.ZERO));
  private final CreateCluster request;

  /** Prepares the request for {@link #NODES} nodes and {@link #ROLES} roles. */
  public PlanWorkload() {
    this(NODES, ROLES);
  }

  /**
   * Prepares a request of another size.
   *
   * @param nodes nodes
   * @param roles roles
   */
  public PlanWorkload(int nodes, int roles) {
    this.request = BenchSpecs.orderedGroups("plan", nodes, roles);
  }

  /**
   * Plans the create once.
   *
   * @return the plan
   */
  public Plan planOnce() {
    return bench.engine().plan(request);
  }

  @Override
  public void close() {
    bench.close();
  }
}
