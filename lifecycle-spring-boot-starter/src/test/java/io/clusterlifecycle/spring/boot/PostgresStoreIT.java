package io.clusterlifecycle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.spi.jdbc.JdbcClusterStore;
import io.clusterlifecycle.spring.boot.actuate.LifecycleHealthAutoConfiguration;
import io.clusterlifecycle.spring.boot.actuate.LifecycleHealthIndicator;
import io.clusterlifecycle.testsupport.PostgresServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code lifecycle.store.url} naming a real PostgreSQL server: the records go there, and the health
 * goes down when the server stops.
 */
class PostgresStoreIT {
  @TempDir Path tmp;

  @Test
  void theRecordsGoToTheDatabaseAndHealthGoesDownWhenItStops() throws Exception {
    PostgresServer server = PostgresServer.start();
    try {
      String url = server.createDatabase();
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  LifecycleAutoConfiguration.class, LifecycleHealthAutoConfiguration.class))
          .withPropertyValues(
              "lifecycle.home=" + tmp.resolve("home"),
              "lifecycle.store.url=" + url,
              "lifecycle.store.username=" + PostgresServer.USER,
              "lifecycle.store.password=" + PostgresServer.PASSWORD,
              "management.health.lifecycle.timeout=10s")
          .run(
              context -> {
                assertThat(context.getBean(ClusterStore.class))
                    .isInstanceOf(JdbcClusterStore.class);
                Lifecycle lifecycle = context.getBean(Lifecycle.class);
                lifecycle.create(CreateCluster.builder(TestSpecs.quick(), "pg1").build());
                try (JdbcClusterStore direct =
                    JdbcClusterStore.open(url, PostgresServer.USER, PostgresServer.PASSWORD)) {
                  assertThat(direct.list().toCompletableFuture().join())
                      .singleElement()
                      .satisfies(c -> assertThat(c.state()).isEqualTo(ClusterState.RUNNING));
                }
                LifecycleHealthIndicator indicator =
                    context.getBean(LifecycleHealthIndicator.class);
                assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
                assertThat(tmp.resolve("home").resolve(ClusterStores.STORE_FILE)).doesNotExist();

                server.close();
                Health down = indicator.health(true);
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails().get("store").toString())
                    .matches("unreachable: .*|no answer within .*");
                assertThat(down.toString()).doesNotContain(PostgresServer.PASSWORD);
              });
    } finally {
      server.close();
    }
  }
}
