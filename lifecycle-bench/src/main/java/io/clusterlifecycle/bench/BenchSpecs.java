package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AppSpec;

/** The app specs and create requests the benchmarks run. */
public final class BenchSpecs {
  private BenchSpecs() {}

  /**
   * The makespan spec: {@code roles} roles ({@code r1}, {@code r2}, ...) sharing {@code nodes}
   * nodes (the first roles take the remainder), each with {@code init} and {@code start}; the first
   * half of the roles run init in order 0, the second half in order 1, and roles alternate between
   * start orders 0 and 1, so that init and start have two order groups each.
   *
   * @param name the cluster name
   * @param nodes nodes in all, {@code >= roles}
   * @param roles roles, {@code >= 2}
   * @return a create request
   */
  public static CreateCluster orderedGroups(String name, int nodes, int roles) {
    if (roles < 2 || nodes < roles) {
      throw new IllegalArgumentException(
          "need at least 2 roles and a node per role, got "
              + roles
              + " roles, "
              + nodes
              + " nodes");
    }
    AppSpec.Builder spec = AppSpec.builder("bench", "1.0");
    for (int r = 0; r < roles; r++) {
      int count = nodes / roles + (r < nodes % roles ? 1 : 0);
      int initOrder = r < roles / 2 ? 0 : 1;
      int startOrder = r % 2;
      spec.role(
          "r" + (r + 1),
          b ->
              b.count(count)
                  .cpu(2)
                  .memory(4096)
                  .volume(20, "/data")
                  .service("init", s -> s.cmd("init.sh").order(initOrder))
                  .service("start", s -> s.cmd("start.sh").order(startOrder))
                  .service("stop", "stop.sh")
                  .service("check", "check.sh"));
    }
    return CreateCluster.builder(spec.build(), name).build();
  }

  /**
   * A small cluster of the kind an estate holds thousands of: one role of three nodes with {@code
   * init}, {@code start}, {@code stop} and a custom {@code check} service.
   *
   * @param name the cluster name
   * @return a create request
   */
  public static CreateCluster small(String name) {
    AppSpec spec =
        AppSpec.builder("zookeeper", "3.8.4")
            .env("tick_time", "2000")
            .role(
                "zk",
                b ->
                    b.count(3)
                        .cpu(2)
                        .memory(4096)
                        .volume(20, "/data")
                        .service("init", "mkdir -p data && echo \"$LC_NODE_ID\" > data/myid")
                        .service("start", s -> s.cmd("zkServer.sh start").order(1))
                        .service("stop", "zkServer.sh stop")
                        .service("check", "zkServer.sh status"))
            .build();
    return CreateCluster.builder(spec, name).build();
  }
}
