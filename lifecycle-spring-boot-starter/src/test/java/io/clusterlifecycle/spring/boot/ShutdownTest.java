package io.clusterlifecycle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.LifecycleEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Closing the application closes the engine but leaves an operation under way recorded, with its
 * journal and its lease; the next application on the same home resumes it once the lease lapsed.
 */
class ShutdownTest {
  @TempDir Path tmp;

  @Test
  void anOperationUnderWayAtShutdownIsResumedByTheNextApplication() {
    ApplicationContextRunner runner =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
            .withPropertyValues(
                "lifecycle.home=" + tmp.resolve("home"),
                "lifecycle.lease.duration=1500ms",
                "lifecycle.lease.take-over-every=300ms");
    AtomicReference<String> operation = new AtomicReference<>();
    runner.run(
        context -> {
          Lifecycle lifecycle = context.getBean(Lifecycle.class);
          lifecycle.submit(CreateCluster.builder(TestSpecs.slowStart(2), "slow").build());
          await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      lifecycle.list(io.clusterlifecycle.api.model.ClusterQuery.all()).size() == 1
                          && lifecycle.get("slow").operation().isPresent());
          operation.set(lifecycle.get("slow").operation().get());
        });

    runner.run(
        context -> {
          LifecycleEngine lifecycle = context.getBean(LifecycleEngine.class);
          Cluster left = lifecycle.get("slow");
          assertThat(left.operation()).contains(operation.get());
          assertThat(lifecycle.journal(operation.get())).isNotEmpty();
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> lifecycle.get("slow").state() == ClusterState.RUNNING);
          assertThat(lifecycle.get("slow").operation()).isEmpty();
          assertThat(lifecycle.get("slow").history()).containsExactly(operation.get());
        });
  }
}
