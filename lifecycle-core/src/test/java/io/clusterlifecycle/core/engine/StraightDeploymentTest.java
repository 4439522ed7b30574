package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.Deployment;
import io.clusterlifecycle.api.state.ClusterState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A spec of {@code deployment: straight} is taken down role group by role group in the reverse of
 * the roles' start order (docs/design.md §6.2), the service orchestrator's {@code oneflow delete}.
 */
class StraightDeploymentTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  /** db starts first, then app and worker together, then web. */
  static AppSpec spec(Deployment deployment) {
    return AppSpec.builder("shop", "1.0")
        .deployment(deployment)
        .role(
            "db", r -> r.count(1).service("start", s -> s.cmd("db").order(0)).service("stop", "x"))
        .role(
            "app",
            r -> r.count(2).service("start", s -> s.cmd("app").order(1)).service("stop", "x"))
        .role(
            "worker",
            r -> r.count(1).service("start", s -> s.cmd("w").order(1)).service("stop", "x"))
        .role(
            "web",
            r -> r.count(1).service("start", s -> s.cmd("web").order(2)).service("stop", "x"))
        .build();
  }

  private List<String> stageNames(io.clusterlifecycle.api.plan.Plan plan) {
    return plan.stages().stream().map(Stage::name).toList();
  }

  @Test
  void deleteTakesTheRolesDownInTheReverseOfTheirStartOrder_eachGroupBeforeTheNext() {
    h.engine.create(CreateCluster.builder(spec(Deployment.STRAIGHT), "s").build());
    assertThat(stageNames(h.engine.plan(DeleteCluster.of("s"))))
        .containsExactly(
            "roles web: stop (order 0)",
            "roles web: delete resources",
            "roles app, worker: stop (order 0)",
            "roles app, worker: delete resources",
            "roles db: stop (order 0)",
            "roles db: delete resources",
            "unpublish metadata");

    h.engine.delete(DeleteCluster.of("s"));

    assertThat(h.stages())
        .containsExactly(
            "roles web: stop (order 0): stop@s-web-1=0",
            "roles web: delete resources: -s-web-1",
            "roles app, worker: stop (order 0): stop@s-app-1=0 stop@s-app-2=0 stop@s-worker-1=0",
            "roles app, worker: delete resources: -s-app-1 -s-app-2 -s-worker-1",
            "roles db: stop (order 0): stop@s-db-1=0",
            "roles db: delete resources: -s-db-1",
            "unpublish metadata: del");
  }

  @Test
  void stopTakesTheRolesDownInReverse_andTheDefaultDeploymentAllAtOnce() {
    h.engine.create(CreateCluster.builder(spec(Deployment.STRAIGHT), "s").build());
    h.engine.execute(StopCluster.of("s"));
    assertThat(h.stages())
        .containsExactly(
            "roles web: stop (order 0): stop@s-web-1=0",
            "roles web: stop instances: down:s-web-1",
            "roles app, worker: stop (order 0): stop@s-app-1=0 stop@s-app-2=0 stop@s-worker-1=0",
            "roles app, worker: stop instances: down:s-app-1 down:s-app-2 down:s-worker-1",
            "roles db: stop (order 0): stop@s-db-1=0",
            "roles db: stop instances: down:s-db-1");
    assertThat(h.engine.get("s").state()).isEqualTo(ClusterState.STOPPED);

    h.engine.create(CreateCluster.builder(spec(Deployment.NONE), "n").build());
    assertThat(stageNames(h.engine.plan(StopCluster.of("n"))))
        .containsExactly("stop (order 0)", "stop instances");
  }
}
